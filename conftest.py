"""Project-wide test configuration.

Fixture ``reference_territories``: the real reference data, loaded once per test session.

    def test_something(reference_territories):
        assert Region.objects.get(code="76").name == "Occitanie"

It loads the COG 2026 territories (26 regions, 22 pre-2016 regions, 109 departments, 1,255 EPCI,
37,590 communes, with GeoJSON outlines) and the 1,728 NAF rév. 2 codes (25 c1385 digital
sous-classes) from ``FILIERE_DATA_DIR`` into the test database, outside any test transaction,
the first time a test asks for it (about 5 s on SQLite). It also gives the test database access
(it requests ``db``), and returns a dict of the load counts.

The rows then stay for the rest of the session, including for tests that did not ask for them:
write tests that do not assume empty territory or NAF tables (factories that use
``django_get_or_create`` on real codes, assertions filtered by code). If a ``transactional_db``
test flushed the tables in between, the fixture loads them again.

ROME and ESCO (about 350,000 rows) are not part of it: only ``filiere/taxonomy/tests/
test_rome_esco.py`` loads them, once for that module.
"""

from __future__ import annotations

from typing import Any

import pytest


def _load_reference() -> dict[str, Any]:
    from filiere.taxonomy.importers import load_naf
    from filiere.territories.importers import load_territories

    return {"territories": load_territories(), "naf": load_naf()}


@pytest.fixture(scope="session")
def _reference_territories_session(django_db_setup: None, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return _load_reference()


@pytest.fixture
def reference_territories(_reference_territories_session: dict[str, Any], db: None) -> dict[str, Any]:
    """Real COG territories and NAF codes in the test database (see the module docstring)."""
    from filiere.taxonomy.models import NafCode
    from filiere.territories.models import Commune

    if not Commune.objects.exists() or not NafCode.objects.exists():
        return _load_reference()
    return _reference_territories_session
