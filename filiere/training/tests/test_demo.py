"""The demo training offer: four seed regions, sessions ahead, idempotent, reconversion group."""

from __future__ import annotations

from filiere.organisations.models import Kind
from filiere.training.demo import OCCITANIE_AERONAUTICS_GROUP, load_training_demo
from filiere.training.models import Course, Session
from filiere.training.selectors import offer_map, upcoming_sessions

from .factories import EstablishmentFactory, TrainingBodyFactory


def test_demo_builds_courses_in_the_four_seed_regions_and_is_idempotent(reference_territories, skills):
    existing = TrainingBodyFactory(name="NEGE", kind=Kind.TRAINING_BODY)
    EstablishmentFactory(organisation=existing, department_code="67", region_code="44")
    courses = load_training_demo()
    assert 40 <= len(courses) <= 80
    regions = set(Session.objects.values_list("region_code", flat=True))
    assert regions == {"27", "44", "75", "76"}
    assert Course.objects.filter(organisation=existing).exists()
    assert upcoming_sessions().count() == Session.objects.count()
    assert Session.objects.filter(distance_learning=True, department_code="").exists()
    counts = (Course.objects.count(), Session.objects.count())
    load_training_demo()
    assert (Course.objects.count(), Session.objects.count()) == counts
    occitanie = offer_map(region_code="76")
    assert occitanie.total > 0
    assert "31" in dict(occitanie.departments)


def test_occitanie_group_is_the_seed_case():
    assert 8000 <= sum(n for _code, n in OCCITANIE_AERONAUTICS_GROUP) <= 10000
    assert {"I1602", "H1206"} <= {code for code, _n in OCCITANIE_AERONAUTICS_GROUP}
