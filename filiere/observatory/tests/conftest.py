"""The observatory's tests load the real territories for their package only.

The root fixture `reference_territories` keeps the rows for the rest of the session; the
observatory's tests run before organisations', whose demo tests build their own territories on
empty tables. So this package loads the reference rows itself when they are absent and removes
them afterwards, leaving the database as it found it.
"""

from __future__ import annotations

from typing import Any

import pytest


def _present() -> bool:
    from filiere.taxonomy.models import NafCode
    from filiere.territories.models import Commune

    return Commune.objects.exists() and NafCode.objects.exists()


def _load() -> None:
    from filiere.taxonomy.importers import load_naf
    from filiere.territories.importers import load_territories

    load_territories()
    load_naf()


def _remove() -> None:
    from filiere.taxonomy.models import NafCode
    from filiere.territories.models import EPCI, Commune, Department, FormerRegion, Region

    Commune.objects.update(parent=None)
    for model in (Commune, EPCI, Department, FormerRegion, Region):
        model.objects.all().delete()
    NafCode.objects.update(parent=None)
    NafCode.objects.all().delete()


@pytest.fixture(scope="package")
def _observatory_reference(django_db_setup: None, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock():
        loaded_here = not _present()
        if loaded_here:
            _load()
    yield
    if loaded_here:
        with django_db_blocker.unblock():
            _remove()


@pytest.fixture
def reference_territories(_observatory_reference: None, db: None) -> None:
    """Real COG territories and NAF codes (reloaded inside the test if a transactional test flushed them)."""
    if not _present():
        _load()
