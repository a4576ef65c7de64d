"""Test helpers shared by the apps' test suites (imported by tests only)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.test import Client


def _referenced_schemas(node: Any, schemas: dict[str, Any], found: set[str]) -> None:
    """Collect the component schemas `node` references, following nested references."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[-1]
            if name not in found:
                found.add(name)
                _referenced_schemas(schemas.get(name, {}), schemas, found)
        for value in node.values():
            _referenced_schemas(value, schemas, found)
    elif isinstance(node, list):
        for value in node:
            _referenced_schemas(value, schemas, found)


def openapi_part(document: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The paths under `prefix` of an OpenAPI document, with every schema they use."""
    paths = {p: spec for p, spec in document["paths"].items() if p.startswith(prefix)}
    schemas = document.get("components", {}).get("schemas", {})
    found: set[str] = set()
    _referenced_schemas(paths, schemas, found)
    return {"paths": paths, "schemas": {name: schemas[name] for name in sorted(found)}}


def assert_openapi_snapshot(client: Client, prefix: str, snapshot: Path) -> None:
    """Compare one app's part of /api/openapi.json with its checked-in snapshot.

    Regenerate with UPDATE_SNAPSHOTS=1 after an intended API change, and review the diff.
    """
    current = openapi_part(client.get("/api/openapi.json").json(), prefix)
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not snapshot.exists():
        snapshot.parent.mkdir(exist_ok=True)
        text = json.dumps(current, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        snapshot.write_text(text, encoding="utf-8")
        if os.environ.get("UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"Snapshot {snapshot.name} was missing and has been written; rerun the tests.")
    assert json.loads(snapshot.read_text(encoding="utf-8")) == current, (
        f"The OpenAPI document under {prefix} changed: review it, then run with UPDATE_SNAPSHOTS=1."
    )


# Chromium's command line, for the browser tests' fixtures (root conftest) and scripts/screenshots.py.

#: The features Playwright (1.65, `chromiumSwitches.ts`) turns off with its own `--disable-features`:
#: a second `--disable-features` replaces the first, so `CHROMIUM_ARGS` repeats them with ours
#: (`core/tests/test_browser.py` checks that Chromium got both).
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,"
    "HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,"
    "AvoidCorsURLLoaderRestartOnRedirect,TcpPortRandomizationWin,OptimizationHints,"
    "NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch,msForceBrowserSignIn,"
    "msEdgeUpdateLaunchServicesPreferredVersion"
).split(",")
#: Chromium (156) preloads its address bar's suggestion popups, two WebUI pages in a renderer of
#: their own, for each window: a page of a test is one, and its popups cost 0.6 s of CPU that
#: no test uses (the headless browser has no address bar to show them).
DISABLED_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-features=" + ",".join([*PLAYWRIGHT_DISABLED_FEATURES, *DISABLED_FEATURES]),
]


BLOCKING_IMPACTS = ("serious", "critical")

# Runs axe on the document with the rules that can report one of `impacts`: a rule whose own impact
# and whose checks' impacts are all lower can only report violations the caller filters out (about
# 25 of the 100 rules: landmarks, region, heading order...), so it is not run. Returns the
# violations in `impacts`, with the first five offending nodes' selectors.
_AXE_RUN_JS = """async (impacts) => {
  const rank = {minor: 1, moderate: 2, serious: 3, critical: 4};
  const lowest = Math.min(...impacts.map(impact => rank[impact] || 0));
  const rules = {};
  for (const rule of axe._audit.rules) {
    const checks = [...rule.any, ...rule.all, ...rule.none].map(c => typeof c === 'string' ? c : c.id);
    const highest = Math.max(rank[rule.impact] || 4,
      ...checks.map(id => rank[(axe._audit.data.checks[id] || {}).impact] || 4));
    if (highest < lowest) rules[rule.id] = {enabled: false};
  }
  const results = await axe.run(document, {resultTypes: ['violations'], rules});
  return results.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target)}));
}"""


#: Where the live server serves axe-core to the page's own origin (set by the root conftest's
#: browser fixtures), or None: axe is then sent through Playwright. A page loads the file as a
#: script of its own, which Chromium compiles once per renderer and keeps (V8's compilation cache)
#: instead of compiling the 570 kB sent by `page.evaluate` again in each document: about 60 ms of
#: CPU less per page, and axe's first run in the document is faster too.
AXE_URL: str | None = None

# Adds axe as a <script> of the page (its CSP allows 'self'), removed again once run: resolves
# false when it could not load (another origin, no such file), and the caller sends it instead.
_AXE_LOAD_JS = """(src) => new Promise((resolve) => {
  const script = document.createElement('script');
  const done = (loaded) => { script.remove(); resolve(loaded && typeof window.axe === 'object'); };
  script.onload = () => done(true);
  script.onerror = () => done(false);
  script.src = src;
  (document.head || document.documentElement).appendChild(script);
})"""


def accessibility_violations(page: Any, *, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[str]:
    """Run axe-core (4.12, bundled by axe-playwright-python) on a Playwright page in real Chromium.

    Returns one line per violation whose impact is in `impacts` (rule id, impact, help text and the
    first offending nodes' selectors), so a failing assertion says what to fix and where.
    axe is loaded once per document (its 570 kB cost about as much to compile as to run), as a
    script of the page from the live server when the browser fixtures serve it (`AXE_URL`): a
    second call on the same page, e.g. after resizing the viewport, reuses it.
    """
    from axe_playwright_python.base import AXE_SCRIPT

    # After a click that navigates, the new document must be there before axe is injected and
    # run in it: under load (three workers), a run started in a document being replaced failed
    # with "Cannot read properties of null (reading 'documentElement')".
    from playwright.sync_api import Error

    def run() -> list[dict[str, Any]]:
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
            if AXE_URL is None or not page.evaluate(_AXE_LOAD_JS, AXE_URL):
                page.evaluate(AXE_SCRIPT)
        return list(page.evaluate(_AXE_RUN_JS, list(impacts)))

    try:
        violations = run()
    except Error as error:  # the document was replaced during the run: once more, in the new one
        if "documentElement" not in str(error) and "context was destroyed" not in str(error):
            raise
        violations = run()
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + ", ".join(str(target) for target in v["targets"])
        for v in violations
    ]


def assert_accessible(page: Any) -> None:
    """Fail when axe-core reports a serious or critical violation on the page as it is now."""
    violations = accessibility_violations(page)
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


# The outermost elements reaching past the viewport's right edge, not inside a scrolling box.
_OVERFLOWING_JS = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.getBoundingClientRect().right <= width + 1) continue;
    let inside = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || out.includes(p)) { inside = true; break; }
    }
    if (!inside) out.push(el);
  }
  return out.slice(0, 6).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
    ' (right edge at ' + Math.round(e.getBoundingClientRect().right) + ' px)');
}"""


def overflowing_elements(page: Any) -> list[str]:
    """The elements that make a Playwright page scroll sideways (empty when it does not): the
    outermost ones past the right edge of the viewport, outside any scrolling box."""
    if page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"):
        return []
    return page.evaluate(_OVERFLOWING_JS) or ["(something outside the elements: a pseudo-element?)"]


def sign_in(page: Any, site: str, email: str, password: str) -> None:
    """Sign `email` in in a Playwright page's context (its cookies cleared first, so a journey can
    change person): the password is checked as the login form does, and the session cookie is set
    directly instead of filling the form (a page load and a form post less; the login page itself
    is tested by accounts' browser tests and `sign_in_through_form`). The page stays where it was:
    go to the page to test next."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model, login
    from django.http import HttpRequest
    from django.utils import translation

    user_model = get_user_model()
    user = (
        user_model.objects.filter(username__iexact=email.strip()).first()
        or user_model.objects.filter(email__iexact=email.strip()).order_by("pk").first()
    )
    assert user is not None and user.is_active and user.check_password(password), (
        f"{email} cannot sign in with this password"
    )
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    # The language the login page would have been in (the contexts' locale), which the
    # user_logged_in receivers remember as the person's language, as after the form.
    request.LANGUAGE_CODE = translation.get_supported_language_variant(page.evaluate("navigator.language"))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": request.session.session_key, "url": site}]
    )


def sign_in_through_form(page: Any, site: str, email: str, password: str) -> None:
    """Sign in through the login page in a Playwright page (its cookies cleared first), which ends
    on the page the form redirects to."""
    page.context.clear_cookies()
    page.goto(site + "/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label(re.compile(r"^Mot de passe\s*:?$")).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


T = TypeVar("T")


@contextmanager
def rolled_back_world(django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """Shared test data for a module: `build()` runs inside a transaction rolled back when the
    module ends, and each test runs in a savepoint of it (pytest-django's `db`), so what a test
    writes is undone before the next one. Use it in a module-scoped fixture:

        @pytest.fixture(scope="module")
        def _world(django_db_setup, django_db_blocker):
            with rolled_back_world(django_db_blocker, build_world) as world:
                yield world
    """
    from django.db import connection, transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            value = build()
            # The world's foreign keys checked once, now: on PostgreSQL Django's keys are deferred,
            # and a test's savepoint rolled back un-fires the checks fired inside it, so each test's
            # end (`check_constraints`) checked the whole world's rows again (2 s a test with ROME).
            connection.check_constraints()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
