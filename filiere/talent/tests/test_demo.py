"""The NEGE demo reproduces the seed's figures and loads twice without change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from filiere.core.testing import rolled_back_world
from filiere.talent import selectors
from filiere.talent.demo import DEMO_PASSWORD, PROGRAMME, _adviser, load_talent_demo
from filiere.talent.models import Application, ApplicationStatus, File, JobOffer, Programme


@pytest.fixture(scope="module")
def _demo_loaded_outside_development(
    reference_territories_module: dict[str, Any], django_db_blocker: Any
) -> Iterator[Any]:
    """`load_talent_demo()` once for the module, DEBUG off (production), inside a transaction
    rolled back at its end: each test runs in a savepoint of it. A first load of the 1,500 files
    cost 2 to 4 CPU s, which each test paid before."""

    def build() -> Any:
        with override_settings(DEBUG=False):
            return load_talent_demo()

    with rolled_back_world(django_db_blocker, build) as counts:
        yield counts


@pytest.fixture
def demo_counts(_demo_loaded_outside_development: Any, db: None) -> Any:
    """The counts the module's first load returned."""
    return _demo_loaded_outside_development


def test_demo_has_the_seed_figures_and_is_idempotent(demo_counts, settings):
    settings.DEBUG = True  # as under `make run`: over the module's load, which ran without DEBUG
    first = load_talent_demo()
    assert dict(first) == dict(demo_counts)  # the pipeline was not loaded a second time
    board = selectors.programme_dashboard(Programme.objects.get(name=PROGRAMME))
    assert len(board.by_year) == 3
    for year in board.by_year:
        assert 470 <= year.files <= 530
        assert 170 <= year.trainees <= 230
        assert 85 <= year.back_to_work_rate <= 95
    assert JobOffer.objects.count() >= 200
    # An adviser created without DEBUG gets the documented password back under DEBUG; one
    # created under DEBUG gets it at once.
    assert get_user_model().objects.get(username="conseiller-nege").check_password(DEMO_PASSWORD)
    nege = Programme.objects.get(name=PROGRAMME).structure
    assert _adviser("conseiller-nouveau", "Anne", "Meyer", nege).check_password(DEMO_PASSWORD)
    assert not JobOffer.objects.filter(description__contains="démo").exists()  # no internal note on pages
    recruiter = get_user_model().objects.get(username="recruteuse-demo")
    received = list(selectors.applications_received(recruiter).values_list("status", flat=True))
    assert ApplicationStatus.PROCESSING in received and len(received) >= 2
    files, offers, applications = File.objects.count(), JobOffer.objects.count(), Application.objects.count()
    second = load_talent_demo()
    assert File.objects.count() == files and JobOffer.objects.count() == offers
    assert Application.objects.count() == applications
    assert dict(first) == dict(second)


def test_demo_advisers_get_no_usable_password_outside_development(demo_counts, settings):
    # The module's load ran with DEBUG off, as here.
    settings.DEBUG = False
    load_talent_demo()
    adviser = get_user_model().objects.get(username="conseiller-nege")
    assert not adviser.has_usable_password()
