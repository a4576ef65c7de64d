"""Occupation pages for young people and the orientation quiz: ROME texts read from the real
reference files, ESCO English labels through the crosswalk, the region's courses and offers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from filiere.organisations.tests.factories import OrganisationFactory
from filiere.promotion import occupations
from filiere.promotion.models import EntryKind
from filiere.talent.models import Contract, JobOffer
from filiere.taxonomy.models import EscoOccupation, EscoOccupationSkill, EscoSkill, RomeMetier
from filiere.training.models import Course, Session

from .factories import published_entry, region

pytestmark = pytest.mark.django_db

DEV = "M1805"


@pytest.fixture
def developer() -> RomeMetier:
    metier = RomeMetier.objects.create(code=DEV, label="Développeur / Développeuse informatique")
    RomeMetier.objects.create(code="M1831", label="Développeur / Développeuse - jeux vidéo")
    RomeMetier.objects.create(code="A1101", label="Conducteur / Conductrice d'engins agricoles")
    esco = EscoOccupation.objects.create(uri=occupations.ESCO_FOR_ROME[DEV], label_en="software developer")
    skill = EscoSkill.objects.create(uri="http://data.europa.eu/esco/skill/x", label_en="debug software")
    EscoOccupationSkill.objects.create(occupation=esco, skill=skill, relation="essential")
    return metier


def test_occupation_page_in_french_reads_france_travails_texts(client: Any, developer: Any) -> None:
    html = client.get(f"/metiers/{DEV}/").content.decode()
    assert "Développeur / Développeuse informatique" in html
    # The ROME 4.0 definition of M1805, from unix_texte (real reference file).
    assert occupations.taxonomy.rome_texts(DEV)["definition"][0] in html
    assert "J&#x27;aime faire des découvertes" in html or "J'aime faire des découvertes" in html


def test_occupation_page_in_english_uses_esco(client: Any, developer: Any) -> None:
    html = client.get(f"/en/metiers/{DEV}/").content.decode()
    assert "<h1>Software developer</h1>" in html and "debug software" in html
    assert '<span lang="fr">Développeur / Développeuse informatique</span>' in html
    assert "I like making discoveries" in html
    # An occupation without an ESCO match keeps its French label, marked as French.
    html = client.get("/en/metiers/M1831/").content.decode()
    assert '<h1 lang="fr">Développeur / Développeuse - jeux vidéo</h1>' in html


def test_only_digital_occupations_have_a_page(client: Any, developer: Any) -> None:
    assert client.get("/metiers/A1101/").status_code == 404
    assert client.get("/metiers/M1899/").status_code == 404


def test_with_a_region_the_page_shows_its_courses_offers_firms_and_portraits(
    client: Any, developer: Any
) -> None:
    na = region()
    school = OrganisationFactory(name="École du code", kind="training_body")
    course = Course.objects.create(
        organisation=school, title="Titre pro développeur web en alternance", rome_codes=[DEV]
    )
    Session.objects.create(
        course=course, start_date=dt.date.today() + dt.timedelta(days=30), end_date=dt.date.today() + dt.timedelta(days=300),
        region_code="75", city="Bordeaux",
    )  # fmt: skip
    elsewhere = Course.objects.create(organisation=school, title="Développeur à Lyon", rome_codes=[DEV])
    Session.objects.create(
        course=elsewhere, start_date=dt.date.today() + dt.timedelta(days=30), end_date=dt.date.today() + dt.timedelta(days=90),
        region_code="84", city="Lyon",
    )  # fmt: skip
    firm = OrganisationFactory(name="Bordeaux Code")
    JobOffer.objects.create(organisation=firm, title="Apprenti développeur", rome_metier=developer, region_code="75",
                            contract=Contract.ALTERNANCE, skill_ids=[])  # fmt: skip
    published_entry(na, EntryKind.PORTRAIT, "Inès, développeuse", occupation_code=DEV)
    html = client.get(f"/metiers/{DEV}/?region=75").content.decode()
    assert "Titre pro développeur web en alternance" in html and "en apprentissage possible" in html
    assert "Développeur à Lyon" not in html
    assert "Apprenti développeur" in html and "Bordeaux Code" in html and "dont 1 en alternance" in html
    assert "Inès, développeuse" in html


def test_the_quiz_ranks_occupations_by_the_interests_ticked(client: Any, developer: Any) -> None:
    interests = {i.code: i.label for i in occupations.quiz_interests()}
    assert interests["10"] == "J'aime faire des découvertes"
    html = client.get("/metiers/quiz/?interet=10&interet=6").content.decode()
    # M1805 and M1831 are both under "découvertes" (10) and "souci du détail" (6) in ROME 4.0.
    assert f'href="/metiers/{DEV}/"' in html and 'href="/metiers/M1831/"' in html
    assert "2 points communs" in html
    html = client.get("/metiers/quiz/?interet=").content.decode()
    assert "Cochez au moins une case" in html
    assert client.get("/metiers/quiz/?interet=%3Cscript%3E").status_code == 200


def test_work_study_is_talents_alternance_contract() -> None:
    assert occupations.WORK_STUDY == Contract.ALTERNANCE
