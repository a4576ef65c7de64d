"""Pages: the adviser's journey without a browser, bad input, applications, the API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from filiere.accounts.models import Role
from filiere.core.testing import assert_openapi_snapshot
from filiere.talent import services
from filiere.talent.models import Application, Cohort, FileState, JobSeeker, OutcomeStatus

from .factories import (
    CohortFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SeekerFactory,
    StructureFactory,
    UserFactory,
    adviser_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nege(client):
    programme = ProgrammeFactory(name="Numéric Emploi Grand Est")
    adviser = adviser_of(programme.structure)
    client.force_login(adviser)
    return programme


def test_cohort_form_refuses_end_before_start_and_negative_places(client, nege):
    data = {
        "name": "Promotion 2026",
        "year": 2026,
        "start_date": "2026-09-01",
        "end_date": "2026-03-01",
        "places": "-2",
    }
    response = client.post(f"/talents/programmes/{nege.pk}/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "La fin de la formation ne peut pas précéder son début." in page
    assert "Le nombre de places doit être un entier positif." in page
    assert not Cohort.objects.exists()


def test_cohort_form_refuses_an_impossible_date(client, nege):
    data = {"name": "P", "year": 2026, "start_date": "31/02/2026", "end_date": "2026-03-01", "places": "10"}
    response = client.post(f"/talents/programmes/{nege.pk}/", data)
    assert response.status_code == 400
    assert "Saisissez une date valide." in response.content.decode()


def test_another_structure_cannot_open_the_programme(client):
    programme = ProgrammeFactory()
    client.force_login(adviser_of(StructureFactory()))
    assert client.get(f"/talents/programmes/{programme.pk}/").status_code == 404
    assert client.get(f"/talents/programmes/{programme.pk}/tableau-de-bord/").status_code == 404
    assert client.get(f"/api/talent/programmes/{programme.pk}/dashboard").status_code == 404


def test_file_page_moves_and_records_outcome_and_dashboard_changes(client, nege):
    cohort = CohortFactory(programme=nege)
    file = services.open_file(cohort=cohort, seeker=SeekerFactory(), by=None, applied_on=dt.date(2025, 1, 5))
    url = f"/talents/dossiers/{file.pk}/"
    for state in (
        FileState.PRESELECTED,
        FileState.SELECTED,
        FileState.IN_TRAINING,
        FileState.TRAINED,
        FileState.PLACED,
    ):
        response = client.post(url, {"action": "move", "to_state": state, "on": "2025-10-01", "reason": ""})
        assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(url, {"action": "move", "to_state": FileState.APPLIED, "on": "2025-10-01"})
    assert response.status_code == 400
    response = client.post(
        url, {"action": "outcome", "months": "6", "status": OutcomeStatus.CDI, "observed_on": "2025-09-01"}
    )
    assert response.status_code == 400
    assert "avant la mise en emploi" in response.content.decode()
    response = client.post(
        url, {"action": "outcome", "months": "6", "status": OutcomeStatus.CDI, "observed_on": "2026-04-01"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert page.count("<tr><td>") >= 6  # history rows
    data = client.get(f"/api/talent/programmes/{nege.pk}/dashboard").json()
    assert data["total"]["files"] == 1 and data["total"]["trainees"] == 1
    assert data["total"]["back_to_work_rate"] == 100.0
    assert "100,0 %" in client.get(f"/talents/programmes/{nege.pk}/tableau-de-bord/").content.decode()


def test_seeker_form_reports_unknown_codes_and_impossible_dates(client, reference_territories):
    structure = StructureFactory()
    client.force_login(adviser_of(structure))
    data = {"first_name": "Léa", "last_name": "Muller", "gender": "F", "commune_code": "99999",
            "available_from": "2026-02-31", "wished_metiers": "Z9999"}  # fmt: skip
    response = client.post("/talents/personnes/nouvelle/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Saisissez une date valide." in page
    data["available_from"] = "2026-03-01"
    page = client.post("/talents/personnes/nouvelle/", data).content.decode()
    assert "Code commune inconnu : « 99999 »." in page
    data["commune_code"] = "67482"
    page = client.post("/talents/personnes/nouvelle/", data).content.decode()
    assert "Code ROME (fiche métier) inconnu : Z9999." in page
    assert not JobSeeker.objects.exists()
    data["wished_metiers"] = ""
    response = client.post("/talents/personnes/nouvelle/", {**data, "consents": ["matching"]})
    assert response.status_code == 302
    seeker = JobSeeker.objects.get()
    assert seeker.department_code == "67" and seeker.consents.get().purpose == "matching"


def test_html_in_names_is_escaped(client):
    seeker = SeekerFactory(first_name="<script>alert(1)</script>")
    client.force_login(adviser_of(seeker.structure))
    page = client.get(f"/talents/personnes/{seeker.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_double_application_is_refused_clearly(client):
    seeker = SeekerFactory()
    client.force_login(adviser_of(seeker.structure))
    offer = services.save_offer(organisation=OrganisationFactory(), by=None, title="Technicien support")
    url = f"/talents/offres/{offer.pk}/"
    assert client.post(url, {"seeker": seeker.pk, "message": "Bonjour"}).status_code == 302
    response = client.post(url, {"seeker": seeker.pk, "message": "Bonjour"})
    assert response.status_code == 400
    assert (
        "Une candidature à cette offre a déjà été envoyée pour cette personne." in response.content.decode()
    )
    assert Application.objects.count() == 1


def test_pages_render_for_an_adviser(client, nege):
    cohort = CohortFactory(programme=nege)
    seeker = SeekerFactory(structure=nege.structure)
    services.open_file(cohort=cohort, seeker=seeker, by=None)
    for url in ["/talents/", f"/talents/programmes/{nege.pk}/", f"/talents/promotions/{cohort.pk}/",
                "/talents/personnes/", "/talents/offres/", f"/talents/programmes/{nege.pk}/tableau-de-bord/?annee=2025",
                "/talents/personnes/nouvelle/"]:  # fmt: skip
        assert client.get(url).status_code == 200, url


def test_openapi_snapshot(client):
    assert_openapi_snapshot(client, "/api/talent/", Path(__file__).parent / "snapshots" / "openapi.json")


def _company_editor(client):
    company = OrganisationFactory(name="Octo Grand Est")
    editor = UserFactory()
    MembershipFactory(user=editor, organisation=company, role=Role.EDITOR)
    client.force_login(editor)
    return company


def test_an_editor_changes_an_offer_and_its_skills_follow(client, skills):
    company = _company_editor(client)
    offer = services.save_offer(organisation=company, by=None, title="Technicien support", description="")
    before = set(offer.skill_ids)
    url = f"/talents/offres/{offer.pk}/modifier/"
    page = client.get(url)
    assert page.status_code == 200 and 'value="Technicien support"' in page.content.decode()
    data = {"title": "Développeur Java", "description": "Développement Java et SQL.", "commune_code": "",
            "contract": offer.contract, "positions": 2, "rome_appellation": "", "status": "open"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    offer.refresh_from_db()
    assert (offer.title, offer.positions) == ("Développeur Java", 2)
    assert offer.skill_ids and set(offer.skill_ids) != before  # found again from the new text
    assert "Modifier l'offre" in client.get(f"/talents/offres/{offer.pk}/").content.decode()


def test_a_filled_offer_is_no_longer_public(client):
    company = _company_editor(client)
    offer = services.save_offer(organisation=company, by=None, title="Technicien support")
    data = {"title": offer.title, "description": "", "commune_code": "", "contract": offer.contract,
            "positions": 1, "rome_appellation": "", "status": "filled"}  # fmt: skip
    assert client.post(f"/talents/offres/{offer.pk}/modifier/", data).status_code == 302
    client.logout()
    assert client.get(f"/talents/offres/{offer.pk}/").status_code == 404


def test_offer_edit_refuses_nonsense_and_keeps_the_offer(client):
    company = _company_editor(client)
    offer = services.save_offer(organisation=company, by=None, title="Technicien support")
    url = f"/talents/offres/{offer.pk}/modifier/"
    bad = {"title": "", "description": "", "commune_code": "99999", "contract": "stage-de-3-ans",
           "positions": 0, "rome_appellation": "", "status": "open"}  # fmt: skip
    response = client.post(url, bad)
    assert response.status_code == 400
    form = response.context["form"]
    assert {"title", "contract", "positions"} <= set(form.errors)
    unknown = client.post(url, {**bad, "title": "Support", "contract": offer.contract, "positions": 1})
    assert unknown.status_code == 400 and "Code commune inconnu" in unknown.content.decode()
    offer.refresh_from_db()
    assert offer.title == "Technicien support"


def test_only_the_companys_editors_open_the_offer_edit_page(client):
    offer = services.save_offer(organisation=OrganisationFactory(), by=None, title="Technicien support")
    url = f"/talents/offres/{offer.pk}/modifier/"
    assert client.get(url).status_code == 302  # login first
    _company_editor(client)  # an editor of another company: the open offer is public, the edit refused
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"title": "Piraté", "contract": offer.contract, "positions": 1}).status_code == 403
    )
    offer.refresh_from_db()
    assert offer.title == "Technicien support"


def test_people_list_is_paginated_with_the_total(client):
    structure = StructureFactory()
    for i in range(120):
        SeekerFactory(structure=structure, last_name=f"Nom{i:03d}", first_name="Ana")
    client.force_login(adviser_of(structure))
    page = client.get("/talents/personnes/").content.decode()
    assert "120 personnes" in page and "1 à 50 ci-dessous" in page
    assert "Nom000" in page and "Nom050" not in page
    assert 'href="?page=2"' in page and 'href="?page=3"' in page
    last = client.get("/talents/personnes/", {"page": 3}).content.decode()
    assert "Nom119" in last and "Nom099" not in last and "101 à 120 ci-dessous" in last
    found = client.get("/talents/personnes/", {"q": "nom11"}).content.decode()
    assert "10 personnes" in found and "Nom110" in found and 'class="pagination"' not in found
    assert client.get("/talents/personnes/", {"page": "x"}).status_code == 200  # first page


def test_staff_without_a_structure_create_a_profile_for_a_structure_they_pick(client):
    from filiere.talent.models import JobSeeker

    followed = SeekerFactory(structure=StructureFactory(name="Mission locale de Mulhouse"))
    other = StructureFactory(name="France Travail Strasbourg Meinau")
    SeekerFactory(structure=other)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert "/talents/personnes/nouvelle/" in client.get("/talents/").content.decode()
    form = client.get("/talents/personnes/nouvelle/")
    assert form.status_code == 200
    assert (
        "Mission locale de Mulhouse" in form.content.decode() and 'name="structure"' in form.content.decode()
    )
    data = {"first_name": "Léa", "last_name": "Muller", "gender": "F", "structure": other.pk}
    assert client.post("/talents/personnes/nouvelle/", data).status_code == 302
    assert JobSeeker.objects.get(last_name="Muller").structure == other
    assert followed.structure != other


def test_an_anonymous_visitor_opens_the_jobs_and_pathways_page(client):
    # Linked from the home page and the site map: it answered 500 (the structures an anonymous
    # visitor may create a profile for were looked up by their membership).
    response = client.get("/talents/")
    assert response.status_code == 200
    assert "/talents/personnes/nouvelle/" not in response.content.decode()


def test_no_new_profile_link_for_who_cannot_create_one(client):
    member = UserFactory()
    client.force_login(member)
    assert "/talents/personnes/nouvelle/" not in client.get("/talents/").content.decode()
    assert client.get("/talents/personnes/nouvelle/").status_code == 404


@pytest.fixture
def rome_appellations(db):
    from filiere.taxonomy.models import RomeAppellation, RomeMetier

    metier = RomeMetier.objects.create(code="M1805", label="Études et développement informatique")
    for code, label in (
        ("38971", "Développeur / Développeuse web"),
        ("10436", "Analyste développeur / développeuse"),
    ):
        RomeAppellation.objects.create(code_ogr=code, label=label, metier=metier)


def test_seeker_form_takes_a_commune_and_jobs_by_name(client, reference_territories, rome_appellations):
    structure = StructureFactory()
    client.force_login(adviser_of(structure))
    data = {"first_name": "Léa", "last_name": "Muller", "gender": "F", "commune_code": "Saint-Denis"}
    page = client.post("/talents/personnes/nouvelle/", data).content.decode()
    assert "Plusieurs communes s&#x27;appellent « Saint-Denis »" in page and "93066 dans le 93" in page
    page = client.post("/talents/personnes/nouvelle/", {**data, "commune_code": "Atlantide"}).content.decode()
    assert "Commune inconnue : « Atlantide »" in page
    data |= {"commune_code": "strasbourg", "wished_appellations": "développeur / développeuse web ; Vendeur"}
    page = client.post("/talents/personnes/nouvelle/", data).content.decode()
    assert "Métier introuvable : « Vendeur »" in page
    assert not JobSeeker.objects.exists()
    data["wished_appellations"] = "Développeur / Développeuse web (38971) ; 10436"
    assert client.post("/talents/personnes/nouvelle/", data).status_code == 302
    seeker = JobSeeker.objects.get()
    assert seeker.commune_id == "67482"
    assert sorted(seeker.wished_appellations.values_list("code_ogr", flat=True)) == ["10436", "38971"]


def test_pickers_suggest_communes_and_jobs(client, reference_territories, rome_appellations):
    client.force_login(UserFactory())
    communes = client.get(
        "/talents/suggestions/communes/", {"field": "commune_code", "commune_code": "strasb"}
    )
    assert '<option value="Strasbourg (67482)">' in communes.content.decode()
    jobs = client.get(
        "/talents/suggestions/metiers/",
        {"field": "wished_appellations", "wished_appellations": "Analyste ; dévelop"},
    ).content.decode()
    assert '<option value="Analyste ; Développeur / Développeuse web (38971)">' in jobs
    form = client.get("/talents/offres/nouvelle/")
    assert form.status_code in (200, 404)  # (an editor's page; the picker markup is checked below)
    from filiere.talent.forms import SeekerForm

    html = str(SeekerForm()["commune_code"])
    assert 'hx-get="/talents/suggestions/communes/"' in html and 'list="id_commune_code-list"' in html
