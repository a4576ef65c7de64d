"""Test helpers shared by the apps' test suites (imported by tests only)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

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


BLOCKING_IMPACTS = ("serious", "critical")


def accessibility_violations(page: Any, *, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[str]:
    """Run axe-core (4.12, bundled by axe-playwright-python) on a Playwright page in real Chromium.

    Returns one line per violation whose impact is in `impacts` (rule id, impact, help text and the
    first offending nodes' selectors), so a failing assertion says what to fix and where.
    """
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page, options={"resultTypes": ["violations"]}).response
    lines = []
    for violation in response["violations"]:
        if violation.get("impact") not in impacts:
            continue
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return lines


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
    """Sign in through the login page in a Playwright page (its cookies cleared first, so a
    journey can change person)."""
    page.context.clear_cookies()
    page.goto(site + "/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label(re.compile(r"^Mot de passe\s*:?$")).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
