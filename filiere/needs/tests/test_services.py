"""Campaign state, target selection, invitations and reminders, response rates, answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from filiere.accounts.models import Role
from filiere.needs import selectors, services
from filiere.needs.models import Answer, Campaign, InvitationMail, MailKind, NeedLine, Scope, Status
from filiere.needs.services import NeedInput
from filiere.organisations.models import Kind
from filiere.taxonomy.families import family_for

from .factories import (
    CampaignFactory,
    EstablishmentFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    RelationFactory,
    UserFactory,
    company,
    department,
    today,
)

pytestmark = pytest.mark.django_db


def line(**kwargs: object) -> NeedInput:
    values = {"text": "développeur web", "people": 2, "horizon": "6m", "difficulty": 3, "choice": "text"}
    values.update(kwargs)
    return NeedInput(**values)


# --- Targets -----------------------------------------------------------------------------------


def test_territory_campaign_invites_each_digital_company_once(bfc):
    a = company(department_code="21")
    EstablishmentFactory(organisation=a, department_code="25", is_head_office=False)  # second site
    b = company(department_code="25", band="01")
    company(department_code="21", is_digital=False, naf_code="47.11B")  # not digital
    company(department_code="21", closed=True)  # closed
    company(department_code="67", region_code="44")  # another region
    MembershipFactory(organisation=b, role=Role.ADMIN, user__email="boss@b.example")
    campaign = CampaignFactory(draft=True)

    report = services.prepare_invitations(user=None, campaign=campaign)

    invitations = {i.organisation_id: i for i in campaign.invitations.all()}
    assert set(invitations) == {a.pk, b.pk}
    assert invitations[a.pk].department_code == "21"  # placed at the head office
    assert (invitations[b.pk].department_code, invitations[b.pk].headcount_band) == ("25", "01")
    assert invitations[b.pk].email == "boss@b.example" and invitations[a.pk].email == ""
    assert report.created == 2
    # Rerunning adds nothing.
    assert services.prepare_invitations(user=None, campaign=campaign).created == 0


def test_department_campaign_keeps_only_that_department(bfc):
    company(department_code="21")
    in_doubs = company(department_code="25")
    campaign = CampaignFactory(draft=True, scope=Scope.DEPARTMENT, department=department("25"))
    services.prepare_invitations(user=None, campaign=campaign)
    assert list(campaign.invitations.values_list("organisation_id", flat=True)) == [in_doubs.pk]


def test_cluster_campaign_invites_current_members_only(bfc):
    cluster = OrganisationFactory(kind=Kind.CLUSTER, siren=None)
    member = company(department_code="71")
    former = company()
    company()  # not a member
    RelationFactory(source=member, target=cluster)
    RelationFactory(source=former, target=cluster, end_date=today() - dt.timedelta(days=1))
    campaign = CampaignFactory(draft=True, scope=Scope.CLUSTER, cluster=cluster)
    services.prepare_invitations(user=None, campaign=campaign)
    assert list(campaign.invitations.values_list("organisation_id", "department_code")) == [(member.pk, "71")]


def test_tokens_are_long_random_and_distinct(bfc):
    invitations = InvitationFactory.create_batch(5, campaign=CampaignFactory())
    tokens = {i.token for i in invitations}
    assert len(tokens) == 5 and all(len(t) >= 43 for t in tokens)


# --- Campaign state ----------------------------------------------------------------------------


def test_open_sends_invitations_then_close_stops_answers(bfc):
    company(department_code="21")
    with_email = company(department_code="25")
    MembershipFactory(organisation=with_email, role=Role.EDITOR, user__email="rh@example.org")
    campaign = CampaignFactory(draft=True)
    assert not campaign.accepts_answers()

    sent = services.open_campaign(user=None, campaign=campaign)

    campaign.refresh_from_db()
    assert campaign.status == Status.OPEN and campaign.accepts_answers()
    assert sent == 1 and [m.to for m in mail.outbox] == [["rh@example.org"]]
    invitation = campaign.invitations.get(organisation=with_email)
    assert invitation.token in mail.outbox[0].body and invitation.sent_at is not None
    assert InvitationMail.objects.filter(invitation=invitation, kind=MailKind.INVITATION).count() == 1
    with pytest.raises(ValidationError):
        services.open_campaign(user=None, campaign=campaign)  # already open

    services.close_campaign(user=None, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Status.CLOSED and not campaign.accepts_answers()


def test_a_campaign_past_its_closing_date_cannot_be_opened(bfc):
    campaign = CampaignFactory(
        draft=True, opens_on=today() - dt.timedelta(days=20), closes_on=today() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="clôture est passée"):
        services.open_campaign(user=None, campaign=campaign)


def test_open_campaign_past_its_date_does_not_accept_answers_and_gets_closed(bfc):
    campaign = CampaignFactory(
        opens_on=today() - dt.timedelta(days=30), closes_on=today() - dt.timedelta(days=1)
    )
    assert campaign.status == Status.OPEN and not campaign.accepts_answers()
    assert services.close_due_campaigns() == 1
    assert Campaign.objects.get(pk=campaign.pk).status == Status.CLOSED


def test_only_managers_change_a_campaign(bfc):
    campaign = CampaignFactory(draft=True)
    stranger = MembershipFactory(role=Role.ADMIN).user
    with pytest.raises(PermissionDenied):
        services.open_campaign(user=stranger, campaign=campaign)


# --- Reminders ---------------------------------------------------------------------------------


def test_reminders_go_to_non_respondents_after_the_delay_once_a_day(bfc):
    campaign = CampaignFactory(reminder_after_days=7)
    due = InvitationFactory(campaign=campaign, sent=True)
    InvitationFactory(campaign=campaign, sent=True, answered=True)  # answered
    InvitationFactory(campaign=campaign, sent=True, email="")  # no address
    recent = InvitationFactory(
        campaign=campaign, sent=True, last_mailed_at=timezone.now() - dt.timedelta(days=3)
    )  # mailed 3 days ago

    assert services.send_reminders() == 1
    assert [m.to for m in mail.outbox] == [[due.email]]
    assert "Relance" in mail.outbox[0].subject
    due.refresh_from_db()
    assert due.reminder_count == 1
    assert list(due.mails.values_list("kind", flat=True)) == [MailKind.REMINDER]

    # The same day, even forced (the staff's "remind now" button), nobody gets a second mail.
    assert services.send_reminders(force=True) == 1  # `recent` was mailed 3 days ago: forced, it goes
    assert services.send_reminders(force=True) == 0
    assert services.send_reminders() == 0
    recent.refresh_from_db()
    assert recent.reminder_count == 1
    assert len(mail.outbox) == 2


def test_reminders_stop_at_the_limit_and_on_closed_campaigns(bfc, settings):
    settings.NEEDS_MAX_REMINDERS = 2
    maxed = InvitationFactory(campaign=CampaignFactory(), sent=True, reminder_count=2)
    closed = InvitationFactory(campaign=CampaignFactory(closed=True), sent=True)
    assert services.send_reminders(force=True) == 0
    assert not InvitationMail.objects.filter(invitation__in=[maxed, closed]).exists()


def test_reminder_a_week_later_is_sent_again(bfc):
    invitation = InvitationFactory(campaign=CampaignFactory(reminder_after_days=7), sent=True)
    now = timezone.now()
    assert services.send_reminders(now=now) == 1
    assert services.send_reminders(now=now + dt.timedelta(days=3)) == 0
    assert services.send_reminders(now=now + dt.timedelta(days=7, hours=1)) == 1
    invitation.refresh_from_db()
    assert invitation.reminder_count == 2


# --- Response rates ----------------------------------------------------------------------------


def test_response_rate_overall_by_department_and_size(bfc):
    campaign = CampaignFactory()
    InvitationFactory(campaign=campaign, department_code="21", headcount_band="01", answered=True)
    InvitationFactory(campaign=campaign, department_code="21", headcount_band="02")
    InvitationFactory(campaign=campaign, department_code="21", headcount_band="12", answered=True)
    InvitationFactory(campaign=campaign, department_code="25", headcount_band="12")
    InvitationFactory(campaign=CampaignFactory(), answered=True)  # another campaign

    rates = selectors.response_rates(campaign)

    assert (rates.overall.invited, rates.overall.answered, rates.overall.percent) == (4, 2, 50)
    assert [(r.key, r.invited, r.answered) for r in rates.by_department] == [("21", 3, 2), ("25", 1, 0)]
    assert rates.by_department[0].label == "Côte-d'Or (21)"
    assert [(r.key, r.invited, r.answered) for r in rates.by_size] == [("1-9", 2, 1), ("10-49", 2, 1)]


# --- Answers -----------------------------------------------------------------------------------


def test_answer_saved_with_resolved_skill_and_family(bfc, skills):
    invitation = InvitationFactory(campaign=CampaignFactory())
    answer = services.save_answer(
        invitation=invitation,
        lines=[
            line(text="du Python", choice=f"skill:{skills['python'].pk}", people=3),
            line(text="dev web", choice="occ:rome_appellation:14156", horizon="2-3y"),
            line(text="Avant-vente", choice="text", difficulty=4, contract_types=["cdi", "alternance"]),
        ],
        comments="Merci",
    )
    rows = list(answer.lines.values_list("kind", "label", "family", "people", "horizon"))
    assert rows == [
        ("skill", "Python (programmation informatique)", "software", 3, "6m"),
        ("occupation", "Développeur / Développeuse web", "software", 2, "2-3y"),
        ("text", "Avant-vente", "sales", 2, "6m"),
    ]
    assert answer.lines.last().contract_types == ["alternance", "cdi"]
    invitation.refresh_from_db()
    assert invitation.answered_at is not None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"people": 0}, "lines-1-people"),
        ({"people": -4}, "lines-1-people"),
        ({"people": 10**9}, "lines-1-people"),
        ({"people": "douze"}, "lines-1-people"),
        ({"difficulty": 7}, "lines-1-difficulty"),
        ({"horizon": "10y"}, "lines-1-horizon"),
        ({"text": "   "}, "lines-1-text"),
        ({"choice": "skill:999999"}, "lines-1-choice"),
        ({"contract_types": ["esclavage"]}, "lines-1-contract_types"),
    ],
)
def test_impossible_values_are_refused_and_nothing_is_saved(bfc, values, field):
    invitation = InvitationFactory(campaign=CampaignFactory())
    with pytest.raises(ValidationError) as info:
        services.save_answer(invitation=invitation, lines=[line(), line(**values)])
    assert field in info.value.message_dict
    assert not Answer.objects.exists() and not NeedLine.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_editing_replaces_lines_and_double_submission_leaves_one_answer(bfc):
    invitation = InvitationFactory(campaign=CampaignFactory())
    services.save_answer(invitation=invitation, lines=[line(), line(text="chef de projet")])
    first_answered = invitation.__class__.objects.get(pk=invitation.pk).answered_at
    for _attempt in range(2):  # the same form sent twice
        services.save_answer(invitation=invitation, lines=[line(text="data scientist", people=4)])
    assert Answer.objects.count() == 1
    answer = Answer.objects.get()
    assert answer.revision == 3
    assert list(answer.lines.values_list("label", "people", "family")) == [("data scientist", 4, "data_ai")]
    assert invitation.__class__.objects.get(pk=invitation.pk).answered_at == first_answered


def test_an_answer_needs_a_line_or_no_needs(bfc):
    invitation = InvitationFactory(campaign=CampaignFactory())
    with pytest.raises(ValidationError, match="au moins un besoin"):
        services.save_answer(invitation=invitation, lines=[])
    answer = services.save_answer(invitation=invitation, lines=[], no_needs=True)
    assert answer.lines.count() == 0
    assert selectors.response_rates(invitation.campaign).overall.answered == 1


def test_closed_campaign_refuses_answers_clearly(bfc):
    invitation = InvitationFactory(campaign=CampaignFactory(closed=True))
    with pytest.raises(ValidationError, match="close depuis le"):
        services.save_answer(invitation=invitation, lines=[line()])
    draft = InvitationFactory(campaign=CampaignFactory(draft=True))
    with pytest.raises(ValidationError, match="pas encore ouverte"):
        services.save_answer(invitation=draft, lines=[line()])


# --- Contacts import ---------------------------------------------------------------------------


def test_contacts_import_is_all_or_nothing_with_line_numbers(bfc):
    admin = UserFactory(is_staff=True)
    campaign = CampaignFactory()
    invited = InvitationFactory(campaign=campaign, email="")
    siren = invited.organisation.siren
    bad = f"siren;email\n{siren};rh@example.org\n999999999;x@example.org\n{siren};pas-une-adresse\n"
    report = services.import_contacts(user=admin, campaign=campaign, content=bad)
    assert not report.ok
    assert [(e.line, e.field) for e in report.rejections] == [(3, "siren"), (4, "email")]
    invited.refresh_from_db()
    assert invited.email == ""

    report = services.import_contacts(user=admin, campaign=campaign, content=f"{siren};rh@example.org\n")
    assert report.ok and report.updated == 1
    invited.refresh_from_db()
    assert invited.email == "rh@example.org"


# --- Families ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "family"),
    [
        ("Python (programmation informatique)", "software"),
        ("Développeur / Développeuse web", "software"),
        ("sécurité des TIC", "cyber"),
        ("Ingénieure cybersécurité cloud", "cyber"),
        ("Data scientist", "data_ai"),
        ("utiliser l’apprentissage automatique", "data_ai"),
        ("Ingénieur / Ingénieure DevOps", "cloud_devops"),
        ("Administrateur / Administratrice systèmes et réseaux", "cloud_devops"),
        ("gestion de projets par méthode Agile", "project"),
        ("Ingénieur commercial / Ingénieure commerciale", "sales"),
        ("Avant-vente", "sales"),
        ("maintenance aéronautique", "industry"),
        ("Usinage de pièces mécaniques", "industry"),
        ("informatique industrielle", "software"),  # software's keywords come first
        ("tierce maintenance applicative", "other"),
        ("soudure à l'arc", "other"),
        ("société", "other"),  # "soc" is a whole word only
    ],
)
def test_families(label, family):
    assert family_for(label) == family


def test_cluster_staff_create_campaigns_in_their_clusters_name(bfc):
    cluster = OrganisationFactory(kind=Kind.CLUSTER, siren=None)
    EstablishmentFactory(organisation=cluster, region_code="27")
    staff = MembershipFactory(organisation=cluster, role=Role.EDITOR).user
    dates = {"opens_on": today(), "closes_on": today() + dt.timedelta(days=30)}
    from filiere.territories.models import Region

    bfc_region = Region.objects.get(code="27")
    with pytest.raises(ValidationError) as info:
        services.create_campaign(user=staff, title="Sans porteur", region=bfc_region, **dates)
    assert "owner" in info.value.message_dict
    territorial = services.create_campaign(
        user=staff, title="Région", region=bfc_region, owner=cluster, **dates
    )
    members = services.create_campaign(
        user=staff, title="Adhérents", region=bfc_region, scope=Scope.CLUSTER, cluster=cluster, **dates
    )
    assert selectors.can_manage_campaign(staff, territorial) and selectors.can_manage_campaign(staff, members)
    with pytest.raises(PermissionDenied):
        services.create_campaign(
            user=staff, title="Ailleurs", region=department("67").region, owner=cluster, **dates
        )


def test_scope_cannot_change_once_open_but_texts_can(bfc):
    campaign = CampaignFactory()
    admin = UserFactory(is_staff=True)
    services.update_campaign(user=admin, campaign=campaign, title="Nouveau titre", reminder_after_days=10)
    assert Campaign.objects.get(pk=campaign.pk).title == "Nouveau titre"
    with pytest.raises(ValidationError, match="périmètre"):
        services.update_campaign(
            user=admin, campaign=campaign, scope=Scope.DEPARTMENT, department=department("21")
        )


def test_reminders_task_runs_through_django_tasks(bfc):
    from django.core.management import call_command

    InvitationFactory(campaign=CampaignFactory(), sent=True)
    call_command("needs", "remind", "--enqueue")
    assert len(mail.outbox) == 1


def test_a_refused_batch_is_undone_and_retried(bfc, monkeypatch, caplog):
    invitation = InvitationFactory(campaign=CampaignFactory(), sent=True)
    before = invitation.last_mailed_at

    def refuse(self, messages):  # noqa: ANN001, ANN202
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert services.send_reminders() == 0
    invitation.refresh_from_db()
    assert (invitation.reminder_count, invitation.last_mailed_at) == (0, before)
    assert not InvitationMail.objects.exists()
    assert "could not be sent" in caplog.text
    monkeypatch.undo()
    assert services.send_reminders() == 1
