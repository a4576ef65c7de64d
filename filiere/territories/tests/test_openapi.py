"""The territories part of /api/openapi.json, checked against a snapshot."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_territories.json"


def _referenced_schemas(node: Any, schemas: dict[str, Any], found: set[str]) -> None:
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


@pytest.mark.django_db
def test_openapi_snapshot(client):
    """Regenerate with UPDATE_SNAPSHOTS=1 after an intended API change, and review the diff."""
    document = client.get("/api/openapi.json").json()
    paths = {p: spec for p, spec in document["paths"].items() if p.startswith("/api/territories/")}
    schemas = document.get("components", {}).get("schemas", {})
    found: set[str] = set()
    _referenced_schemas(paths, schemas, found)
    current = {"paths": paths, "schemas": {name: schemas[name] for name in sorted(found)}}
    text = json.dumps(current, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not SNAPSHOT.exists():
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(text, encoding="utf-8")
        if os.environ.get("UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"Snapshot {SNAPSHOT.name} was missing and has been written; rerun the tests.")
    assert json.loads(SNAPSHOT.read_text(encoding="utf-8")) == current, (
        "The OpenAPI document changed: review it, then run with UPDATE_SNAPSHOTS=1."
    )
