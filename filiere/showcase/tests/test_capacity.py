"""Capacity never exceeds headcount: in the service, on the edit page, and in the TESC Force demo."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from filiere.organisations.models import Relation
from filiere.showcase import services
from filiere.showcase.capacity import headcount_ceiling
from filiere.showcase.demo import load_showcase_demo
from filiere.showcase.models import CompetenceDeclaration

from .factories import EstablishmentFactory, OrganisationFactory, editor_of

pytestmark = pytest.mark.django_db


def _declare(firm, skill, *, people, capacity=0):
    return services.declare_competence(
        user=editor_of(firm),
        organisation=firm,
        skill=skill,
        people_count=people,
        capacity_available_now=capacity,
    )


def test_a_firm_cannot_declare_more_people_than_its_headcount_band(skills):
    firm = OrganisationFactory(headcount_band="02")  # 3 to 5 employees
    with pytest.raises(ValidationError, match="au plus 5 salariés : elle ne peut pas déclarer 25 personnes"):
        _declare(firm, skills["ml"], people=25, capacity=25)
    assert _declare(firm, skills["ml"], people=5, capacity=5).capacity_available_now == 5


@pytest.mark.parametrize("band", ["NN", "00"])
def test_a_firm_without_employees_declares_at_most_the_person_who_runs_it(skills, band):
    firm = OrganisationFactory(headcount_band=band)
    with pytest.raises(ValidationError, match="n'a pas de salarié"):
        _declare(firm, skills["ml"], people=25, capacity=25)
    assert _declare(firm, skills["ml"], people=1, capacity=1).people_count == 1


def test_an_unknown_band_sets_no_limit(skills):
    firm = OrganisationFactory(headcount_band="")
    assert headcount_ceiling("") is None
    assert _declare(firm, skills["ml"], people=300, capacity=25).capacity_available_now == 25


def test_the_edit_page_says_why(client, skills):
    firm = OrganisationFactory(headcount_band="NN")
    client.force_login(editor_of(firm))
    data = {"action": "declare", "skill": skills["ml"].pk, "level": "operational", "people_count": 25,
            "capacity_available_now": 25}  # fmt: skip
    page = client.post(f"/vitrine/{firm.pk}/modifier/", data, follow=True).content.decode()
    assert "n&#x27;a pas de salarié" in page or "n'a pas de salarié" in page
    assert not CompetenceDeclaration.objects.filter(organisation=firm).exists()


def test_demo_firms_are_in_toulouse_with_employees_and_never_offer_more_than_their_headcount(skills):
    seed = OrganisationFactory(name="TESC Force", kind="community")
    member = OrganisationFactory(name="Membre toulousain", generated=True, headcount_band="03")
    EstablishmentFactory(organisation=member, region_code="76", department_code="31")
    Relation.objects.create(source=member, target=seed, kind="member_of")
    nobody = OrganisationFactory(name="Sans salarié", generated=True, headcount_band="NN")
    EstablishmentFactory(organisation=nobody, region_code="76", department_code="31")
    montpellier = OrganisationFactory(name="Montpelliéraine", generated=True, headcount_band="12")
    EstablishmentFactory(organisation=montpellier, region_code="76", department_code="34")

    load_showcase_demo()

    shown = set(CompetenceDeclaration.objects.values_list("organisation__name", flat=True))
    assert "Membre toulousain" in shown  # the TESC Force member of Haute-Garonne comes first
    assert "Sans salarié" not in shown and "Montpelliéraine" not in shown
    for declaration in CompetenceDeclaration.objects.select_related("organisation"):
        ceiling = headcount_ceiling(declaration.organisation.headcount_band)
        assert declaration.capacity_available_now <= declaration.people_count
        assert ceiling is None or declaration.people_count <= ceiling, declaration.organisation.name
