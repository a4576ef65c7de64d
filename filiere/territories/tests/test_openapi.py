"""The territories part of /api/openapi.json, checked against a snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from filiere.core.testing import assert_openapi_snapshot

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_territories.json"


@pytest.mark.django_db
def test_openapi_snapshot(client):
    assert_openapi_snapshot(client, "/api/territories/", SNAPSHOT)
