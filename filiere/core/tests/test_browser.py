"""The shell in real Chromium: the mobile menu, axe-core on the public-service and error pages,
and the API docs loading from this site only.

Run with `pytest -m browser`; needs /usr/bin/chromium (`make chromium`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from filiere.core.testing import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/annuaire/",
    "/mentions-legales/",
    "/accessibilite/",
    "/donnees-personnelles/",
    "/contact/",
    "/plan-du-site/",
]


def test_mobile_menu_is_a_disclosure_button(browser_context, live_server):
    page = browser_context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    button = page.get_by_role("button", name="Menu")
    directory = page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Annuaire"
    )
    assert button.is_visible() and button.get_attribute("aria-expanded") == "false"
    assert not directory.is_visible()
    # The search box is on the first screen, not pushed down by the links.
    assert page.get_by_label("Rechercher une entreprise").bounding_box()["y"] < 600
    assert_accessible(page)

    button.click()
    assert button.get_attribute("aria-expanded") == "true" and directory.is_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not directory.is_visible()

    button.focus()
    page.keyboard.press("Enter")  # a real button: the keyboard opens it too
    assert directory.is_visible()
    directory.click()
    page.wait_for_url("**/annuaire/**")


def test_desktop_shows_the_navigation_without_a_button(browser_context, live_server):
    page = browser_context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/")
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert (
        page.get_by_role("navigation", name="Navigation principale")
        .get_by_role("link", name="Annuaire")
        .is_visible()
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_service_and_error_pages_pass_axe(browser_context, live_server, width):
    page = browser_context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    for path in [*PAGES, "/cette-page-n-existe-pas/"]:
        response = page.goto(live_server.url + path)
        assert response.status == (404 if "n-existe" in path else 200), path
        assert page.locator("footer").get_by_role("link", name="Mentions légales").is_visible()
        assert_accessible(page)


def test_api_docs_load_from_this_site_only(browser_context, live_server):
    own = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []

    def block_other_origins(route):
        if urlsplit(route.request.url).netloc != own:
            elsewhere.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page = browser_context.new_page()
    page.route("**/*", block_other_origins)
    page.goto(live_server.url + "/api/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 10
    assert elsewhere == []


def _chromium_command_line() -> list[str]:
    """The arguments of the browser process Playwright started for this test process (the
    `--remote-debugging-pipe` one among our descendants)."""
    import os
    from pathlib import Path

    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue

    def descends_from_us(pid: int) -> bool:
        while pid in parents and pid > 1:
            pid = parents[pid]
            if pid == os.getpid():
                return True
        return False

    for pid in parents:
        try:
            arguments = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
        except OSError:
            continue
        if "--remote-debugging-pipe" in arguments and descends_from_us(pid):
            return arguments
    raise AssertionError("no Chromium browser process among this process's descendants")


def test_chromium_opens_pages_without_preloading_address_bar_popups(_browser, browser_context):
    # core.testing's CHROMIUM_ARGS (conftest's fixtures, scripts/screenshots.py) give their own
    # --disable-features, which replaces Playwright's: it must still hold every feature Playwright's
    # list turns off (its list as this version sends it).
    disabled = [
        set(argument.split("=", 1)[1].split(","))
        for argument in _chromium_command_line()
        if argument.startswith("--disable-features=")
    ]
    assert len(disabled) == 2, disabled
    playwrights, ours = disabled
    assert playwrights <= ours, f"Playwright's features missing from CHROMIUM_ARGS: {playwrights - ours}"
    # Chromium preloads its address bar's popups (WebUI pages, a renderer of their own) with each
    # window; the headless browser shows no address bar, and with these features off there are none.
    browser_context.new_page()
    targets = _browser.new_browser_cdp_session().send("Target.getTargets", {"filter": [{}]})["targetInfos"]
    assert [t["url"] for t in targets if t["url"].startswith("chrome://")] == []
    assert any(t["type"] == "page" for t in targets)
