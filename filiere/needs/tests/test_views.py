"""Pages: the survey behind its token, staff pages and who may see what, the daily command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from filiere.accounts.models import Role
from filiere.needs.models import Answer, Campaign, Invitation, NeedLine, Scope, Status
from filiere.organisations.models import Kind

from .factories import (
    AnswerFactory,
    CampaignFactory,
    EstablishmentFactory,
    InvitationFactory,
    MembershipFactory,
    NeedLineFactory,
    OrganisationFactory,
    RegionalRoleFactory,
    UserFactory,
    company,
    region,
    today,
)

pytestmark = pytest.mark.django_db


def survey_url(invitation: Invitation) -> str:
    return f"/besoins/enquete/{invitation.token}/"


def row(index: int = 0, **values: str) -> dict[str, str]:
    data = {"text": "développeur web", "people": "2", "horizon": "6m", "difficulty": "3"}
    data.update(values)
    return {f"lines-{index}-{key}": value for key, value in data.items()}


def post_data(*rows: dict[str, str], action: str = "submit", **extra: str) -> dict[str, str]:
    data = {"lines-TOTAL_FORMS": str(max(len(rows), 1)), "lines-INITIAL_FORMS": "0", "action": action}
    for r in rows:
        data.update(r)
    data.update(extra)
    return data


# --- Token access ------------------------------------------------------------------------------


def test_wrong_or_malformed_token_is_404(client, bfc):
    InvitationFactory(campaign=CampaignFactory())
    assert client.get("/besoins/enquete/" + "A" * 43 + "/").status_code == 404
    assert client.get("/besoins/enquete/court/").status_code == 404
    assert client.post("/besoins/enquete/" + "A" * 43 + "/", post_data(row())).status_code == 404


def test_survey_page_names_the_company_and_marks_the_link_opened(client, bfc):
    invitation = InvitationFactory(campaign=CampaignFactory(introduction="Bonjour <b>à tous</b>"))
    response = client.get(survey_url(invitation))
    html = response.content.decode()
    assert response.status_code == 200
    assert invitation.organisation.name in html
    assert "Bonjour &lt;b&gt;à tous&lt;/b&gt;" in html
    invitation.refresh_from_db()
    assert invitation.opened_at is not None


def test_closed_campaign_shows_the_answer_and_refuses_changes(client, bfc):
    invitation = InvitationFactory(campaign=CampaignFactory(closed=True), answered=True)
    NeedLineFactory(answer=AnswerFactory(invitation=invitation), text="Rust", label="Rust", people=2)
    response = client.get(survey_url(invitation))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Cette enquête est close depuis le" in html and "Rust" in html and '<form method="post"' not in html
    )
    response = client.post(survey_url(invitation), post_data(row(text="Go")))
    assert response.status_code == 403
    assert "close depuis le" in response.content.decode()
    assert list(NeedLine.objects.values_list("label", flat=True)) == ["Rust"]


def test_answer_through_the_link_with_confirmation(client, bfc, skills):
    invitation = InvitationFactory(campaign=CampaignFactory())
    url = survey_url(invitation)
    assert client.get(url).status_code == 200

    # First send: the engine's reading is shown for confirmation, nothing saved yet.
    response = client.post(
        url, post_data(row(text="Python"), row(1, text="", people="", horizon="", difficulty=""))
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Answer.objects.exists()
    assert "Nous avons compris" in html and "Python (programmation informatique)" in html
    assert f'value="skill:{skills["python"].pk}" checked' in html

    # Confirmed: saved with the skill the respondent kept.
    data = post_data(
        row(
            text="Python", checked_text="Python", choice=f"skill:{skills['python'].pk}", contract_types="cdi"
        ),
        respondent_name="Camille",
        comments="<script>alert(1)</script>",
    )
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    line = NeedLine.objects.get()
    assert (line.kind, line.skill_id, line.people, line.contract_types) == (
        "skill",
        skills["python"].pk,
        2,
        ["cdi"],
    )
    # Sent twice (double click): still one answer, one line.
    client.post(url, data)
    assert Answer.objects.count() == 1 and NeedLine.objects.count() == 1

    page = client.get(url).content.decode()
    assert "Vous avez répondu le" in page and 'value="Python"' in page


def test_impossible_numbers_get_field_errors_and_nothing_is_saved(client, bfc):
    invitation = InvitationFactory(campaign=CampaignFactory())
    data = post_data(
        row(people="-5", checked_text="développeur web", choice="text"), row(1, people="3000", difficulty="9")
    )
    response = client.post(survey_url(invitation), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Au moins 1 personne." in html and "500 personnes au plus par ligne." in html
    assert "Sélectionnez un choix valide" in html  # difficulty 9
    assert not Answer.objects.exists()


def test_add_row_button_adds_a_row(client, bfc):
    invitation = InvitationFactory(campaign=CampaignFactory())
    response = client.post(survey_url(invitation), post_data(row(), action="add"))
    assert 'name="lines-1-text"' in response.content.decode() and not Answer.objects.exists()


def test_a_nonsense_management_form_is_a_clear_error_not_a_500(client, bfc):
    invitation = InvitationFactory(campaign=CampaignFactory())
    response = client.post(survey_url(invitation), {"lines-TOTAL_FORMS": "x", "action": "add"})
    assert response.status_code == 400


# --- Staff pages and access --------------------------------------------------------------------


def test_a_company_cannot_see_another_companys_answer(client, bfc):
    campaign = CampaignFactory()
    mine = InvitationFactory(campaign=campaign, answered=True)
    theirs = InvitationFactory(campaign=campaign, answered=True)
    NeedLineFactory(answer=AnswerFactory(invitation=theirs), text="secret besoin", label="secret besoin")
    client.force_login(MembershipFactory(organisation=mine.organisation, role=Role.ADMIN).user)
    assert client.get(f"/besoins/reponses/{theirs.pk}/").status_code == 404
    assert client.get(f"/besoins/campagnes/{campaign.pk}/").status_code == 404
    # Its own link shows its own answer only.
    assert "secret besoin" not in client.get(survey_url(mine)).content.decode()


def test_staff_of_another_region_cannot_see_the_campaign(client, bfc):
    campaign = CampaignFactory()
    client.force_login(RegionalRoleFactory(region=region("44")).user)
    for url in (
        f"/besoins/campagnes/{campaign.pk}/",
        f"/besoins/campagnes/{campaign.pk}/resultats/",
        f"/besoins/campagnes/{campaign.pk}/modifier/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/besoins/campagnes/{campaign.pk}/clore/").status_code == 404
    assert campaign.title not in client.get("/besoins/").content.decode()
    assert Campaign.objects.get(pk=campaign.pk).status == Status.OPEN


def test_regional_admin_manages_and_sees_answers_escaped(client, bfc):
    campaign = CampaignFactory()
    invitation = InvitationFactory(campaign=campaign, answered=True)
    answer = AnswerFactory(invitation=invitation, comments="<img src=x onerror=alert(1)>")
    NeedLineFactory(answer=answer, text="<b>dev</b>", label="<b>dev</b>")
    client.force_login(RegionalRoleFactory(region=region("27")).user)
    assert client.get(f"/besoins/campagnes/{campaign.pk}/").status_code == 200
    html = client.get(f"/besoins/reponses/{invitation.pk}/").content.decode()
    assert "&lt;b&gt;dev&lt;/b&gt;" in html and "&lt;img src=x" in html and "<b>dev</b>" not in html


def test_cluster_staff_manage_their_campaign(client, bfc):
    cluster = OrganisationFactory(kind=Kind.CLUSTER, siren=None)
    EstablishmentFactory(organisation=cluster, region_code="27")
    campaign = CampaignFactory(scope=Scope.CLUSTER, cluster=cluster, owner=cluster)
    client.force_login(MembershipFactory(organisation=cluster, role=Role.EDITOR).user)
    assert client.get(f"/besoins/campagnes/{campaign.pk}/").status_code == 200
    assert client.get(f"/besoins/campagnes/{campaign.pk}/resultats/").status_code == 200


def test_results_are_public_once_published(client, bfc):
    private, public = CampaignFactory(), CampaignFactory(public=True)
    NeedLineFactory(
        answer__invitation__campaign=public, text="data", label="Data scientist", kind="occupation", people=3
    )
    assert client.get(f"/besoins/campagnes/{private.pk}/resultats/").status_code == 404
    html = client.get(f"/besoins/campagnes/{public.pk}/resultats/").content.decode()
    assert "Data scientist" in html
    listing = client.get("/besoins/").content.decode()
    assert public.title in listing and private.title not in listing


def test_regional_admin_creates_opens_and_reminds(client, bfc):
    company(department_code="21")
    target = company(department_code="25")
    MembershipFactory(organisation=target, role=Role.ADMIN, user__email="dg@example.org")
    client.force_login(RegionalRoleFactory(region=region("27")).user)
    response = client.post(
        "/besoins/campagnes/nouvelle/",
        {
            "title": "Enquête 2027",
            "region": "27",
            "scope": "region",
            "digital_only": "on",
            "opens_on": today().isoformat(),
            "closes_on": (today() + dt.timedelta(days=40)).isoformat(),
            "reminder_after_days": "7",
        },
    )
    campaign = Campaign.objects.get(title="Enquête 2027")
    assert response.status_code == 302 and campaign.status == Status.DRAFT
    client.post(f"/besoins/campagnes/{campaign.pk}/ouvrir/")
    campaign.refresh_from_db()
    assert campaign.status == Status.OPEN and campaign.invitations.count() == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dg@example.org"]


def test_campaign_creation_refused_outside_ones_rights(client, bfc):
    client.force_login(UserFactory())
    assert client.get("/besoins/campagnes/nouvelle/").status_code == 403
    client.force_login(RegionalRoleFactory(region=region("27")).user)
    response = client.post(
        "/besoins/campagnes/nouvelle/",
        {
            "title": "x",
            "region": "44",
            "scope": "region",
            "opens_on": "2026-01-01",
            "closes_on": "2025-01-01",
            "reminder_after_days": "0",
        },
    )
    assert response.status_code == 400 and not Campaign.objects.exists()


def test_daily_command_closes_due_campaigns_and_reminds(bfc, capsys):
    InvitationFactory(campaign=CampaignFactory(), sent=True)
    CampaignFactory(opens_on=today() - dt.timedelta(days=40), closes_on=today() - dt.timedelta(days=1))
    call_command("needs", "remind")
    assert "1 campaign(s) closed, 1 mail(s) sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_staff_download_the_private_links_others_cannot(client, bfc):
    campaign = CampaignFactory()
    invitation = InvitationFactory(campaign=campaign, email="", organisation__name="=HYPERLINK(1)")
    url = f"/besoins/campagnes/{campaign.pk}/invitations.csv"
    client.force_login(RegionalRoleFactory(region=region("44")).user)
    assert client.get(url).status_code == 404
    client.force_login(RegionalRoleFactory(region=region("27")).user)
    text = client.get(url).content.decode("utf-8-sig")
    assert f"/besoins/enquete/{invitation.token}/" in text
    assert "'=HYPERLINK(1)" in text


def test_members_find_their_companys_surveys_only(client, bfc):
    campaign = CampaignFactory(title="Enquête 2026")
    mine = InvitationFactory(campaign=campaign)
    theirs = InvitationFactory(campaign=campaign)
    InvitationFactory(campaign=CampaignFactory(draft=True), organisation=mine.organisation)
    client.force_login(MembershipFactory(organisation=mine.organisation, role=Role.MEMBER).user)
    html = client.get("/besoins/mes-enquetes/").content.decode()
    assert f"/besoins/enquete/{mine.token}/" in html and theirs.token not in html
    assert html.count("/besoins/enquete/") == 1
