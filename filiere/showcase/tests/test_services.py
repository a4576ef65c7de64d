"""Rights and lifecycle: declarations, validation by cluster staff, contact requests, alerts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from filiere.accounts.models import Role
from filiere.core.mail import absolute_url
from filiere.organisations.models import Kind
from filiere.showcase import selectors, services
from filiere.showcase.models import ContactStatus, DeclarationStatus, SavedSearch, ShowcaseProfile

from .factories import (
    ContactRequestFactory,
    DeclarationFactory,
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    UserFactory,
    cluster_staff,
    editor_of,
    make_firm,
)

pytestmark = pytest.mark.django_db


def test_editor_declares_a_competence_as_draft(skills):
    firm = OrganisationFactory()
    editor = editor_of(firm)
    declaration = services.declare_competence(
        user=editor, organisation=firm, skill=skills["ml"], people_count=10, capacity_available_now=4
    )
    assert declaration.status == DeclarationStatus.DRAFT
    assert ShowcaseProfile.objects.get(pk=firm.pk).capacity_now == 4


@pytest.mark.parametrize("role", [Role.MEMBER, None])
def test_members_and_strangers_cannot_declare(skills, role):
    firm = OrganisationFactory()
    user = editor_of(firm, role=role) if role else UserFactory()
    with pytest.raises(PermissionDenied):
        services.declare_competence(user=user, organisation=firm, skill=skills["ml"])


def test_editor_of_another_firm_cannot_declare(skills):
    firm, other = OrganisationFactory(), OrganisationFactory()
    with pytest.raises(PermissionDenied):
        services.declare_competence(user=editor_of(other), organisation=firm, skill=skills["ml"])


def test_capacity_cannot_exceed_people(skills):
    firm = OrganisationFactory()
    with pytest.raises(ValidationError):
        services.declare_competence(
            user=editor_of(firm),
            organisation=firm,
            skill=skills["ml"],
            people_count=2,
            capacity_available_now=3,
        )


def test_cluster_staff_validates_and_the_firm_edit_resets_it(skills):
    firm = OrganisationFactory()
    editor = editor_of(firm)
    declaration = services.declare_competence(user=editor, organisation=firm, skill=skills["ml"])
    validator = cluster_staff(firm)
    services.validate_declaration(user=validator, declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.VALIDATED
    assert declaration.validated_by == validator and declaration.validated_at is not None
    assert ShowcaseProfile.objects.get(pk=firm.pk).validated_count == 1
    services.declare_competence(user=editor, organisation=firm, skill=skills["ml"], people_count=3)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.DRAFT and declaration.validated_by is None


def test_firm_editor_cannot_validate(skills):
    firm = OrganisationFactory()
    editor = editor_of(firm)
    declaration = services.declare_competence(user=editor, organisation=firm, skill=skills["ml"])
    with pytest.raises(PermissionDenied):
        services.validate_declaration(user=editor, declaration=declaration)


def test_rejected_declaration_leaves_capacity_and_search_text(skills):
    firm = OrganisationFactory()
    declaration = services.declare_competence(
        user=editor_of(firm), organisation=firm, skill=skills["ml"], people_count=5, capacity_available_now=5
    )
    services.validate_declaration(user=cluster_staff(firm), declaration=declaration, approve=False)
    assert ShowcaseProfile.objects.get(pk=firm.pk).capacity_now == 0
    assert selectors.profile_skill_ids(firm.pk) == []


def test_pending_declarations_list_drafts_only(skills):
    draft = DeclarationFactory(skill=skills["ml"])
    DeclarationFactory(skill=skills["data"], validated=True)
    assert list(selectors.pending_declarations(UserFactory(is_staff=True))) == [draft]


def test_cluster_staff_validate_only_their_members(skills):
    member, outsider = OrganisationFactory(name="Membre"), OrganisationFactory(name="Hors cluster")
    validator = cluster_staff(member)
    mine = services.declare_competence(user=editor_of(member), organisation=member, skill=skills["ml"])
    theirs = services.declare_competence(user=editor_of(outsider), organisation=outsider, skill=skills["ml"])
    assert list(selectors.pending_declarations(validator)) == [mine]
    with pytest.raises(PermissionDenied):
        services.validate_declaration(user=validator, declaration=theirs)
    with pytest.raises(Http404):
        selectors.get_declaration_for_user(validator, theirs.pk, for_validation=True)
    theirs.refresh_from_db()
    assert theirs.status == DeclarationStatus.DRAFT


def test_cluster_staff_do_not_read_an_outsiders_unpublished_showcase(skills):
    outsider = OrganisationFactory()
    ProfileFactory(organisation=outsider, is_published=False)
    with pytest.raises(Http404):
        selectors.get_profile_for_user(cluster_staff(OrganisationFactory()), outsider.pk)
    member = OrganisationFactory()
    ProfileFactory(organisation=member, is_published=False)
    assert selectors.get_profile_for_user(cluster_staff(member), member.pk).pk == member.pk


def test_the_badge_names_the_cluster_that_validated(client, skills):
    firm = OrganisationFactory()
    ProfileFactory(organisation=firm)
    declaration = services.declare_competence(user=editor_of(firm), organisation=firm, skill=skills["ml"])
    cluster = OrganisationFactory(kind=Kind.CLUSTER, siren=None, name="Aerospace Valley")
    services.validate_declaration(user=cluster_staff(firm, cluster=cluster), declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.validated_for == cluster
    page = client.get(f"/vitrine/{firm.pk}/").content.decode()
    assert "Validé par Aerospace Valley" in page and "validée par Aerospace Valley" in page


def test_a_validator_names_only_a_cluster_the_firm_belongs_to(skills):
    firm = OrganisationFactory()
    declaration = services.declare_competence(user=editor_of(firm), organisation=firm, skill=skills["ml"])
    validator = cluster_staff(firm)
    other = OrganisationFactory(kind=Kind.CLUSTER, siren=None)
    MembershipFactory(user=validator, organisation=other, role="editor")
    with pytest.raises(PermissionDenied):
        services.validate_declaration(user=validator, declaration=declaration, cluster=other)


# --- Refreshing profiles ----------------------------------------------------------------------

REFRESHED = (
    "region_code",
    "department_code",
    "headcount_band",
    "capacity_now",
    "available_from",
    "validated_count",
)


def _refreshed_columns() -> dict[int, tuple]:
    return {p.pk: tuple(getattr(p, f) for f in REFRESHED) for p in ShowcaseProfile.objects.all()}


def _scramble_profiles() -> None:
    ShowcaseProfile.objects.update(
        region_code="xx", department_code="xx", headcount_band="", capacity_now=99,
        available_from=dt.date(2000, 1, 1), validated_count=99,
    )  # fmt: skip


def test_refresh_profiles_gives_each_firm_what_refresh_profile_gives_it(skills):
    june, july = dt.date(2027, 6, 1), dt.date(2027, 7, 1)
    # A branch first, the head office second: the head office's place wins.
    spread = OrganisationFactory(headcount_band="21")
    EstablishmentFactory(organisation=spread, is_head_office=False, region_code="84", department_code="69")
    EstablishmentFactory(organisation=spread, region_code="76", department_code="31")
    DeclarationFactory(organisation=spread, skill=skills["ml"], capacity_available_now=4, validated=True)
    DeclarationFactory(
        organisation=spread, skill=skills["data"], capacity_available_now=1, available_from=july
    )
    DeclarationFactory(  # rejected: counts for nothing
        organisation=spread,
        skill=skills["python"],
        capacity_available_now=9,
        available_from=june,
        status="rejected",
    )
    branches = OrganisationFactory(headcount_band="03")  # no head office: the first establishment
    EstablishmentFactory(organisation=branches, is_head_office=False, region_code="11", department_code="75")
    EstablishmentFactory(organisation=branches, is_head_office=False, region_code="27", department_code="21")
    DeclarationFactory(
        organisation=branches,
        skill=skills["ml"],
        capacity_available_now=0,
        available_from=june,
        validated=True,
    )
    DeclarationFactory(
        organisation=branches, skill=skills["project"], capacity_available_now=2, validated=True
    )
    bare = OrganisationFactory(headcount_band="")  # no establishment, no declaration
    without_profile = OrganisationFactory()
    DeclarationFactory(organisation=without_profile, skill=skills["ml"])
    for firm in (spread, branches, bare):
        ProfileFactory(organisation=firm)
    ids = [branches.pk, without_profile.pk, spread.pk, bare.pk]

    _scramble_profiles()
    one_by_one = [services.refresh_profile(pk) for pk in ids]
    expected = _refreshed_columns()
    _scramble_profiles()
    refreshed = services.refresh_profiles(ids)

    assert [p.pk for p in refreshed] == [p.pk for p in one_by_one if p] == [branches.pk, spread.pk, bare.pk]
    assert one_by_one[1] is None
    assert (
        _refreshed_columns()
        == expected
        == {
            spread.pk: ("76", "31", "21", 4, july, 1),
            branches.pk: ("11", "75", "03", 2, june, 2),
            bare.pk: ("", "", "", 0, None, 0),
        }
    )
    assert {p.pk: tuple(getattr(p, f) for f in REFRESHED) for p in refreshed} == expected
    assert services.refresh_profiles([]) == [] and services.refresh_profiles([without_profile.pk]) == []


# --- Contact requests ---------------------------------------------------------------------------


@pytest.fixture
def firm(skills):
    return make_firm("Aéro Data", skills=[skills["ml"]], sectors=["rail"], pitch="Data et ML.")


def test_contact_request_lifecycle_timestamps_each_step(firm, django_capture_on_commit_callbacks):
    firm_editor = editor_of(firm, email="firm@example.org")
    buyer = UserFactory(email="buyer@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        contact = services.send_contact_request(
            user=buyer, organisation=firm, subject="Maintenance prédictive", message="Bonjour"
        )
    assert contact.status == ContactStatus.SENT and contact.sent_at
    assert mail.outbox[-1].to == ["firm@example.org"]
    assert mail.outbox[-1].reply_to == ["buyer@example.org"]
    assert absolute_url("/vitrine/demandes/") in mail.outbox[-1].body
    services.set_contact_status(user=firm_editor, contact=contact, status=ContactStatus.READ)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_contact_status(
            user=firm_editor, contact=contact, status=ContactStatus.ANSWERED, answer="Volontiers"
        )
    assert mail.outbox[-1].to == ["buyer@example.org"]
    assert "Volontiers" in mail.outbox[-1].body and "répondue" in mail.outbox[-1].subject
    services.set_contact_status(
        user=firm_editor, contact=contact, status=ContactStatus.DEAL_SIGNED, deal_amount=Decimal("120000")
    )
    contact.refresh_from_db()
    assert contact.read_at <= contact.answered_at <= contact.deal_signed_at
    assert contact.deal_amount == Decimal("120000")
    assert [step["status"] for step in contact.history] == ["sent", "read", "answered", "deal_signed"]


def test_buyer_cannot_move_their_own_request(firm):
    buyer = UserFactory()
    contact = services.send_contact_request(user=buyer, organisation=firm, subject="S", message="M")
    with pytest.raises(PermissionDenied):
        services.set_contact_status(user=buyer, contact=contact, status=ContactStatus.READ)


def test_declined_request_is_final(firm):
    editor = editor_of(firm)
    contact = ContactRequestFactory(organisation=firm)
    services.set_contact_status(user=editor, contact=contact, status=ContactStatus.DECLINED)
    assert contact.declined_at is not None
    with pytest.raises(ValidationError):
        services.set_contact_status(user=editor, contact=contact, status=ContactStatus.ANSWERED)


def test_deal_needs_an_answer_first(firm):
    contact = ContactRequestFactory(organisation=firm)
    with pytest.raises(ValidationError):
        services.set_contact_status(user=editor_of(firm), contact=contact, status=ContactStatus.DEAL_SIGNED)


def test_contact_requests_visible_to_both_sides_only(firm):
    contact = ContactRequestFactory(organisation=firm)
    editor = editor_of(firm)
    assert selectors.get_contact_request_for_user(contact.buyer, contact.pk) == contact
    assert selectors.get_contact_request_for_user(editor, contact.pk) == contact
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.get_contact_request_for_user(UserFactory(), contact.pk)


def test_unpublished_firm_cannot_be_contacted(skills):
    hidden = make_firm("Cachée", skills=[skills["ml"]], published=False)
    with pytest.raises(ValidationError):
        services.send_contact_request(user=UserFactory(), organisation=hidden, subject="S", message="M")


def test_buyer_cannot_speak_for_an_organisation_they_do_not_belong_to(firm):
    with pytest.raises(PermissionDenied):
        services.send_contact_request(
            user=UserFactory(),
            organisation=firm,
            subject="S",
            message="M",
            buyer_organisation=OrganisationFactory(),
        )


# --- Saved searches ------------------------------------------------------------------------------


def test_saved_search_alert_fires_once_for_a_new_firm(
    skills, firm, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://filiere.example.fr"
    buyer = UserFactory(email="acheteur@example.org")
    filters = selectors.ShowcaseFilters.from_params({"q": "apprentissage automatique", "sector": ["rail"]})
    saved = services.save_search(user=buyer, filters=filters)
    assert saved.last_seen_ids == [firm.pk]
    assert services.run_saved_search_alerts(force=True) == 0
    newcomer = make_firm(
        "Rail Learning", skills=[skills["ml"]], sectors=["rail"], pitch="Machine learning ferroviaire."
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_saved_search_alerts(force=True) == 1
    assert mail.outbox[0].to == ["acheteur@example.org"]
    assert "Rail Learning" in mail.outbox[0].body
    assert f"https://filiere.example.fr/vitrine/{newcomer.pk}/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_saved_search_alerts(force=True) == 0
    assert len(mail.outbox) == 1


def test_alerts_wait_for_the_frequency(firm):
    saved = services.save_search(
        user=UserFactory(email="a@example.org"), filters=selectors.ShowcaseFilters(), frequency="weekly"
    )
    SavedSearch.objects.filter(pk=saved.pk).update(last_seen_ids=[])
    assert services.run_saved_search_alerts() == 0  # ran just now, not due
    later = saved.last_run_at + dt.timedelta(days=8)
    assert services.run_saved_search_alerts(now=later) == 1


def test_alerts_command(firm, capsys):
    services.save_search(user=UserFactory(email="a@example.org"), filters=selectors.ShowcaseFilters())
    call_command("showcase", "alerts", "--force")
    assert "0 alert(s) sent, 0 contact follow-up(s)" in capsys.readouterr().out


def test_answered_requests_get_one_follow_up_a_month_later(firm, django_capture_on_commit_callbacks):
    editor = editor_of(firm, email="firm@example.org")
    contact = ContactRequestFactory(organisation=firm)
    services.set_contact_status(user=editor, contact=contact, status=ContactStatus.ANSWERED)
    assert services.send_contact_followups() == 0
    mail.outbox.clear()
    later = contact.answered_at + dt.timedelta(days=31)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_contact_followups(now=later) == 1
    assert mail.outbox[0].to == ["firm@example.org"] and "montant" in mail.outbox[0].body
    assert services.send_contact_followups(now=later) == 0


def test_alerts_task_runs_in_process(firm):
    from filiere.showcase.tasks import saved_search_alerts

    result = saved_search_alerts.enqueue()
    assert result.return_value == 0
