"""Screenshots of every main page at 1280 px and 390 px, with axe-core's serious and critical
violations counted on each, signed in as the demo roles.

Start a server on a database holding the demo (`filiere demo` with DEBUG=1), then:

    PYTHONPATH=$PWD .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8601 \
        --out /tmp/filiere-screens [--only talent] [--widths 1280,390] [--lang en]

Each page is saved as `<out>/<role>--<name>--<width>.png` (the whole page, cut at 4,000 px high;
phone widths also in 1,400 px tiles `…--390-1.png`, `…--390-2.png`, readable at full size)
and a line per page says its HTTP status and its serious/critical axe violations; `-v` prints
each violation. Detail pages (an organisation, a programme…) are the first link of their list
page, so the script needs no database access. Exit status 1 when a page has a blocking violation
or did not answer 200.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path
from typing import Any

PASSWORD = "filiere-demo-2026"
ADVISER_PASSWORD = "nege-demo-2026"

# (role, account, password or None for anonymous, pages). A page is (name, path) or
# (name, (list path, regex of the first link to follow[, path made of the regex's group])).
Page = tuple[str, Any]
ROLES: list[tuple[str, str | None, str | None, list[Page]]] = [
    (
        "public",
        None,
        None,
        [
            ("home", "/"),
            ("directory", "/annuaire/"),
            ("directory-map", "/annuaire/?vue=carte"),
            ("directory-search", "/annuaire/?q=informatique"),
            ("directory-empty", "/annuaire/?q=zzzzqqqq"),
            ("organisation", ("/annuaire/?q=rhenatic", r"^/annuaire/\d+/$")),
            ("showcase", "/vitrine/"),
            ("showcase-profile", ("/vitrine/", r"^/vitrine/\d+/$")),
            ("training", "/formations/"),
            ("course", ("/formations/", r"^/formations/\d+/$")),
            ("training-map", "/formations/carte/"),
            ("reconversion", "/formations/reconversion/"),
            ("needs-gaps", "/besoins/ecarts/"),
            ("support", "/accompagnement/"),
            ("support-service", ("/accompagnement/", r"^/accompagnement/services/\d+/$")),
            ("events", "/evenements/"),
            ("event", ("/evenements/", r"^/evenements/\d+/$")),
            ("roadmaps", "/feuilles-de-route/"),
            ("roadmap", ("/feuilles-de-route/", r"^/feuilles-de-route/\d+/$")),
            ("observatory", "/observatoire/"),
            ("observatory-region", "/observatoire/region/27/"),
            ("observatory-compare", "/observatoire/comparer/"),
            ("observatory-changes", "/observatoire/changements/"),
            ("territories", "/territoires/"),
            ("matching", "/correspondances/"),
            ("login", "/comptes/connexion/"),
            ("signup", "/comptes/inscription/"),
            ("sources", "/sources/"),
            ("accessibility", "/accessibilite/"),
            ("sitemap", "/plan-du-site/"),
            ("not-found", "/cette-page-n-existe-pas/"),
        ],
    ),
    (
        "adviser",
        "conseiller-nege",
        ADVISER_PASSWORD,
        [
            ("space", "/comptes/"),
            ("talent", "/talents/"),
            ("programme", ("/talents/", r"^/talents/programmes/\d+/$")),
            ("dashboard", ("/talents/", r"^/talents/programmes/\d+/tableau-de-bord/$")),
            ("people", "/talents/personnes/"),
            ("person", ("/talents/personnes/", r"^/talents/personnes/\d+/$")),
            ("person-new", "/talents/personnes/nouvelle/"),
            ("offers", "/talents/offres/"),
            ("offer", ("/talents/offres/", r"^/talents/offres/\d+/$")),
        ],
    ),
    (
        "region",
        "region-bfc",
        PASSWORD,
        [
            ("space", "/comptes/"),
            ("region-admin", "/comptes/region/"),
            ("needs", "/besoins/"),
            ("campaign", ("/besoins/", r"^/besoins/campagnes/\d+/$")),
            ("campaign-results", ("/besoins/", r"^/besoins/campagnes/\d+/resultats/$")),
            ("roadmap-new", "/feuilles-de-route/nouveau/"),
            ("indicator", ("/feuilles-de-route/", r"^/feuilles-de-route/indicateurs/\d+/$")),
        ],
    ),
    (
        "cluster",
        "bfc-numerique",
        PASSWORD,
        [
            ("my-organisations", "/comptes/mes-organisations/"),
            ("showcase-validation", "/vitrine/validation/"),
            ("showcase-requests", "/vitrine/demandes/"),
        ],
    ),
    (
        "company",
        "entreprise",
        PASSWORD,
        [
            ("my-organisations", "/comptes/mes-organisations/"),
            ("organisation-edit", ("/comptes/mes-organisations/", r"^/annuaire/\d+/modifier/$")),
            (
                "showcase-edit",
                ("/comptes/mes-organisations/", r"^/annuaire/(\d+)/$", "/vitrine/{}/modifier/"),
            ),
        ],
    ),
]


def first_link(page: Any, base: str, list_path: str, pattern: str, template: str = "") -> str | None:
    """The first link of `list_path` whose path matches `pattern` (detail pages need no ids), or
    `template` filled with the link's first group."""
    if template:
        found = first_link(page, base, list_path, pattern)
        match = re.match(pattern, found or "")
        return template.format(match.group(1)) if match else None
    page.goto(base + list_path)
    regex = re.compile(pattern)
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
        path = href.split("?")[0].split("#")[0]
        if regex.match(path):
            return path
    # A detail page may only be linked from a detail page (an indicator from its plan).
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
        if re.match(r"^/[^?#]+/\d+/$", href) and href != list_path:
            page.goto(base + href)
            for inner in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
                if regex.match(inner.split("?")[0]):
                    return inner.split("?")[0]
            break
    return None


def sign_in(page: Any, base: str, account: str, password: str) -> None:
    page.goto(base + "/comptes/connexion/")
    page.fill("input[name=username]", account)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/connexion/" in page.url:
        raise SystemExit(f"Could not sign in as {account}: is the demo loaded with DEBUG=1?")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8601")
    parser.add_argument("--out", default="/tmp/filiere-screens")
    parser.add_argument("--widths", default="1280,390")
    parser.add_argument("--only", default="", help="only pages whose role or name contains this")
    parser.add_argument("--lang", default="fr", choices=["fr", "en"])
    parser.add_argument("--no-shots", action="store_true", help="axe only, no screenshots")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    # The browser tests' command line (without the address bar's preloaded popups: CPU no page uses).
    from filiere.core.testing import CHROMIUM_ARGS, accessibility_violations, overflowing_elements

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    widths = [int(w) for w in args.widths.split(",")]
    failed = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        for role, account, password, pages in ROLES:
            selected = [p for p in pages if not args.only or args.only in role or args.only in p[0]]
            if not selected:
                continue
            context = browser.new_context(locale="fr-FR")
            context.set_default_timeout(60_000)
            page = context.new_page()
            if account and password:
                sign_in(page, args.base, account, password)
            if args.lang == "en":
                page.goto(args.base + "/")
                with page.expect_navigation():  # the selector sends its form on change
                    page.select_option("#lang-select", "en")
            for name, target in selected:
                path = target if isinstance(target, str) else first_link(page, args.base, *target)
                if path is None:
                    print(f"{role:8} {name:22} no link found in {target[0]}")
                    failed += 1
                    continue
                for width in widths:
                    page.set_viewport_size({"width": width, "height": 900})
                    response = page.goto(args.base + path)
                    status = response.status if response else 0
                    violations = accessibility_violations(page)
                    if not args.no_shots:
                        height = min(4000, page.evaluate("document.documentElement.scrollHeight"))
                        page.screenshot(
                            path=str(out / f"{role}--{name}--{width}.png"),
                            full_page=True,
                            clip={"x": 0, "y": 0, "width": width, "height": height},
                        )
                        # Phone pages also in screen-high tiles, readable at full size.
                        for index, top in enumerate(range(0, height, 1400) if width < 800 else []):
                            page.screenshot(
                                path=str(out / f"{role}--{name}--{width}-{index + 1}.png"),
                                full_page=True,
                                clip={"x": 0, "y": top, "width": width, "height": min(1400, height - top)},
                            )
                    overflow = page.evaluate("document.documentElement.scrollWidth") > width
                    expected = 404 if name == "not-found" else 200
                    bad = bool(violations) or status != expected
                    failed += bad
                    print(
                        f"{role:8} {name:22} {width:4}px {status} axe serious/critical: {len(violations)}"
                        f"{'  HORIZONTAL SCROLL' if overflow else ''}  {path}"
                    )
                    if args.verbose:
                        for line in violations:
                            print("    " + line)
                        if overflow:
                            print("    too wide: " + ", ".join(overflowing_elements(page)))
            context.close()
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
