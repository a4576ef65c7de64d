"""Pages of the support app: catalogue, services for my firm, the request journey, surveys,
history, coverage, reports (French and English)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from filiere.accounts.models import Role
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from filiere.support import indexing
from filiere.support.models import ReferralStatus, Survey, SurveyKind, Theme

from .factories import EngagementFactory, ReferralFactory, ServiceFactory, make_firm

pytestmark = pytest.mark.django_db


def test_catalogue_filters_and_plain_french_search(client: Any, bfc: Any) -> None:
    ServiceFactory(
        title="Diagnostic cybersécurité",
        theme=Theme.CYBERSECURITY,
        description="Audit de sécurité informatique",
    )
    ServiceFactory(
        title="Chèque export", theme=Theme.EXPORT, is_regional_aid_scheme=True, region_codes=["75"]
    )
    indexing.reindex_all()
    page = client.get(reverse("support:catalogue")).content.decode()
    assert "Diagnostic cybersécurité" in page and "Chèque export" in page
    page = client.get(reverse("support:catalogue"), {"aid": "on"}).content.decode()
    assert "Diagnostic cybersécurité" not in page and "Chèque export" in page
    page = client.get(reverse("support:catalogue"), {"department": "21"}).content.decode()
    assert "Diagnostic cybersécurité" in page and "Chèque export" not in page
    page = client.get(reverse("support:catalogue"), {"q": "sécurité informatique"}).content.decode()
    assert "Diagnostic cybersécurité" in page and "Chèque export" not in page and "Pourquoi" in page


def test_services_for_my_firm_with_reasons(client: Any, bfc: Any) -> None:
    firm = make_firm(naf="62.01Z")
    ServiceFactory(title="Pour le numérique", naf_prefixes=["62"])
    ServiceFactory(title="Pour le commerce", naf_prefixes=["47"])
    response = client.get(reverse("support:firm_services"), {"siret": firm.siret})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Pour le numérique" in page and "Activité visée : 62.01Z" in page
    assert "hors des activités visées" in page  # the other one, with why


@pytest.mark.parametrize(
    ("siret", "message"), [("12AB", "il faut 14 chiffres"), ("99999999900011", "Aucun établissement")]
)
def test_services_for_my_firm_bad_siret(client: Any, bfc: Any, siret: str, message: str) -> None:
    response = client.get(reverse("support:firm_services"), {"siret": siret})
    assert response.status_code == 400 and message in response.content.decode()


def test_request_with_unknown_siret_writes_nothing(client: Any, bfc: Any) -> None:
    client.force_login(UserFactory())
    response = client.post(
        reverse("support:request_new"),
        {
            "siret": "99999999900011",
            "description": "Besoin",
            "contact_email": "a@b.fr",
            "send": "1",
            "services": ["1"],
        },
    )
    assert response.status_code == 400 and "Aucun établissement" in response.content.decode()
    from filiere.support.models import SupportRequest

    assert not SupportRequest.objects.exists()


def test_request_journey_propose_then_send(client: Any, bfc: Any) -> None:
    firm = make_firm()
    editor = MembershipFactory(organisation=firm.organisation, role=Role.EDITOR).user
    service = ServiceFactory(
        title="Diagnostic cybersécurité", theme=Theme.CYBERSECURITY, description="sécurité informatique"
    )
    indexing.reindex_all()
    client.force_login(editor)
    data = {
        "siret": firm.siret,
        "description": "Nous voulons renforcer notre cybersécurité",
        "contact_email": "a@b.fr",
    }
    page = client.post(reverse("support:request_new"), {**data, "propose": "1"}).content.decode()
    assert "Diagnostic cybersécurité" in page and "Thème Cybersécurité" in page
    response = client.post(
        reverse("support:request_new"), {**data, "send": "1", "services": [str(service.pk)]}
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Diagnostic cybersécurité" in detail and "Nouvelle" in detail


def test_provider_takes_in_charge_from_the_request_page(client: Any, bfc: Any) -> None:
    referral = ReferralFactory()
    client.force_login(MembershipFactory(organisation=referral.provider, role=Role.MEMBER).user)
    response = client.post(
        reverse("support:referral_action", args=[referral.pk, "prendre"]), {"note": "Rendez-vous pris"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TAKEN
    assert (
        "Rendez-vous pris"
        in client.get(reverse("support:request_detail", args=[referral.request_id])).content.decode()
    )


def test_survey_answered_twice_gets_a_clear_message(client: Any, bfc: Any) -> None:
    survey = Survey.objects.create(
        referral=ReferralFactory(status=ReferralStatus.DONE),
        kind=SurveyKind.SATISFACTION,
        due_on=dt.date.today(),
        sent_at=dt.datetime.now(dt.UTC),
    )
    url = reverse("support:survey", args=[survey.token])
    assert client.get(url).status_code == 200
    assert "Merci" in client.post(url, {"score": "4"}).content.decode()
    second = client.post(url, {"score": "1"})
    assert second.status_code == 409 and "déjà répondu" in second.content.decode()
    survey.refresh_from_db()
    assert survey.score == 4
    assert "déjà répondu" in client.get(url).content.decode()
    assert client.get(reverse("support:survey", args=["forged-token"])).status_code == 404


def test_history_is_for_the_firm_and_its_providers(client: Any, bfc: Any) -> None:
    firm = make_firm()
    engagement = EngagementFactory(
        siren=firm.organisation.siren, organisation=firm.organisation, label="Diagnostic flash"
    )
    url = reverse("support:history", args=[firm.organisation.siren])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory(organisation=firm.organisation, role=Role.MEMBER).user)
    assert "Diagnostic flash" in client.get(url).content.decode()
    client.force_login(MembershipFactory(organisation=engagement.provider, role=Role.MEMBER).user)
    assert "Diagnostic flash" in client.get(url).content.decode()


def test_coverage_map_white_zones_and_third_places(client: Any, bfc: Any, reference_territories: Any) -> None:
    ServiceFactory(theme=Theme.CYBERSECURITY, region_codes=[], department_codes=["21"])
    place = OrganisationFactory(kind=Kind.THIRD_PLACE, name="La Fabrique du Morvan", siren=None)
    EstablishmentFactory(organisation=place, siret=None, department_code="58", region_code="27")
    page = client.get(
        reverse("support:coverage"), {"theme": Theme.CYBERSECURITY, "region": "27"}
    ).content.decode()
    assert 'svg xmlns="http://www.w3.org/2000/svg" class="choropleth"' in page
    assert "La Fabrique du Morvan" in page
    assert "Doubs (25)" in page.split("zones blanches")[1].split("</p>")[0]
    assert "Côte-d&#x27;Or (21)" not in page.split("zones blanches")[1].split("</p>")[0]
    epci_table = page.split('id="epci-table"')[1].split("</table>")[0]
    assert "Grand Dijon" in epci_table or "Dijon Métropole" in epci_table  # reached through the 21


def test_report_page_and_exports(client: Any, bfc: Any) -> None:
    provider = ServiceFactory().provider
    EngagementFactory(provider=provider, siren="111111111", date=dt.date(2025, 2, 1))
    EngagementFactory(provider=provider, siren="111111111", date=dt.date(2025, 8, 1))
    EngagementFactory(provider=provider, siren="222222222", date=dt.date(2024, 8, 1))
    client.force_login(MembershipFactory(organisation=provider, role=Role.MEMBER).user)
    url = reverse("support:report", args=[provider.pk, "provider"])
    page = client.get(url, {"annee": "2025"}).content.decode()
    assert "1 entreprise accompagnée en 2025" in page and "1 en 2024" in page
    for fmt in ("csv", "xlsx", "ods"):
        response = client.get(url, {"annee": "2025", "format": fmt})
        assert response.status_code == 200 and response["Content-Disposition"].endswith(f'.{fmt}"')
    csv_text = client.get(url, {"annee": "2025", "format": "csv"}).content.decode("utf-8-sig")
    assert "Entreprises accompagnées (une fois par SIREN),1,1" in csv_text


def test_pages_in_english(client: Any, bfc: Any) -> None:
    client.cookies["django_language"] = "en"
    page = client.get(reverse("support:catalogue")).content.decode()
    assert "Business support services" in page


def test_provider_editor_creates_a_service_and_bad_codes_are_named(client: Any, bfc: Any) -> None:
    from filiere.support.models import Service
    from filiere.support.tests.factories import ProviderFactory

    provider = ProviderFactory()
    client.force_login(MembershipFactory(organisation=provider, role=Role.EDITOR).user)
    url = reverse("support:service_create", args=[provider.pk])
    data = {
        "title": "Diagnostic",
        "theme": Theme.CYBERSECURITY,
        "naf_text": "62, 6Z",
        "departments_text": "21, 99",
    }
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400 and "6Z" in page and "Départements inconnus : 99" in page
    assert not Service.objects.exists()
    response = client.post(
        url, {**data, "naf_text": "62, 63.1", "departments_text": "21", "headcount": ["01", "02"]}
    )
    service = Service.objects.get()
    assert response.status_code == 302
    assert (service.naf_prefixes, service.department_codes, service.headcount_bands) == (
        ["62", "63.1"],
        ["21"],
        ["01", "02"],
    )
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_personal_space_sections(client: Any, bfc: Any) -> None:
    referral = ReferralFactory()
    provider_member = MembershipFactory(organisation=referral.provider, role=Role.MEMBER).user
    client.force_login(provider_member)
    page = client.get(reverse("accounts:space")).content.decode()
    assert reverse("support:inbox") in page
    assert reverse("support:report", args=[referral.provider_id, "provider"]) in page
    firm = make_firm()
    client.force_login(MembershipFactory(organisation=firm.organisation, role=Role.MEMBER).user)
    page = client.get(reverse("accounts:space")).content.decode()
    assert reverse("support:history", args=[firm.organisation.siren]) in page
    assert reverse("support:inbox") not in page
