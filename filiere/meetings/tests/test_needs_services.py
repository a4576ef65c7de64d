"""Buyers' needs: posting, the engine's proposals with reasons, invitations and each firm's
timestamped path, comparison steps, follow-up; bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from filiere.meetings.needs import selectors, services
from filiere.meetings.needs.models import BuyerNeed, NeedInvitation, NeedStatus, PathStatus
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import OrganisationFactory
from filiere.territories.models import Department, Region

from .needs_fixtures import _shared_world, fresh_engine_fixture, post_need, shared_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_posting_links_the_themes_to_taxonomy_skills(world: Any) -> None:
    need = post_need(world)
    assert need.status == NeedStatus.PUBLISHED and need.published_at is not None
    assert set(need.skills.values_list("label", flat=True)) == {"hydrogène", "simulation numérique"}


def test_proposals_rank_regional_firms_with_reasons(world: Any) -> None:
    need = post_need(world)
    found = selectors.proposals(need)
    names = [p.name for p in found.firms]
    # The region's firms that fit, best first; not the web agency, not the firm of Grand Est,
    # not the lab (an R&D need invites firms), never the buyer.
    assert set(names[:2]) == {"U-Need", "LabSoft"}
    assert "Strasbourg Hydrogène" not in names and "Laboratoire Hydrogène" not in names
    assert "Avionneur" not in names
    u_need = next(p for p in found.firms if p.name == "U-Need")
    assert "hydrogène" in u_need.reasons


def test_call_for_partners_proposes_labs_beside_firms(world: Any) -> None:
    need = post_need(world, kind="partners")
    found = selectors.proposals(need)
    assert [p.name for p in found.partners] == ["Laboratoire Hydrogène"]
    assert found.partners[0].kind == Kind.LAB and found.partners[0].reasons


def test_invite_notifies_each_firm_and_timestamps_it(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    need = post_need(world)
    firms = [world.firms["U-Need"], world.firms["LabSoft"]]
    with django_capture_on_commit_callbacks(execute=True):
        created = services.invite(
            by=world.buyer,
            need=need,
            organisation_ids=[f.pk for f in firms],
            reasons={firms[0].pk: "hydrogène"},
        )
    assert {i.status for i in created} == {PathStatus.NOTIFIED}
    assert all(i.notified_at is not None for i in created)
    assert NeedInvitation.objects.get(organisation=firms[0]).match_reasons == "hydrogène"
    to = sorted(address for m in mail.outbox for address in m.to)
    assert to == ["labsoft@firm.example", "u-need@firm.example"]
    assert f"https://filiere.example/rendez-vous/besoins/{need.pk}/" in mail.outbox[0].body
    # Inviting again changes nothing and mails no one.
    assert services.invite(by=world.buyer, need=need, organisation_ids=[firms[0].pk]) == []


def test_mails_go_in_each_reader_s_language(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    need = post_need(world)
    firm = world.firms["U-Need"]
    world.people["U-Need"].language = "en"
    world.people["U-Need"].save(update_fields=["language"])
    world.buyer.language = "en"
    world.buyer.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(by=world.buyer, need=need, organisation_ids=[firm.pk])[0]
    (invited,) = mail.outbox
    assert "R&D project" in invited.body and "Projet de R&D" not in invited.body  # the kind too
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(by=world.people["U-Need"], invitation=invitation, answer="Banc hydrogène")
    (answered,) = mail.outbox
    assert answered.to == [world.buyer.email]
    assert "Comparez les réponses" not in answered.body and "Compare the answers" in answered.body


def test_inviting_a_non_firm_or_unknown_id_is_refused_naming_it_and_writes_nothing(world: Any) -> None:
    need = post_need(world)
    school = OrganisationFactory(name="École X", kind=Kind.SCHOOL, siren=None)
    with pytest.raises(ValidationError) as error:
        services.invite(
            by=world.buyer, need=need, organisation_ids=[world.firms["U-Need"].pk, school.pk, 999_999]
        )
    messages = error.value.message_dict["organisations"]
    assert any("École X" in m and "n'est pas une entreprise" in m for m in messages)
    assert any("999999" in m for m in messages)
    assert not NeedInvitation.objects.exists()


def test_only_the_buyer_invites(world: Any) -> None:
    need = post_need(world)
    with pytest.raises(PermissionDenied):
        services.invite(by=world.buyer_member, need=need, organisation_ids=[world.firms["U-Need"].pk])


def test_broadcast_invites_the_top_matches_with_their_reasons(world: Any) -> None:
    need = post_need(world)
    created = services.broadcast(by=world.buyer, need=need, top=2)
    assert {i.organisation.name for i in created} == {"U-Need", "LabSoft"}
    assert all(i.source == "broadcast" and i.match_reasons for i in created)


def test_firm_path_opened_answered_shortlisted_selected(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    need = post_need(world)
    [invitation] = services.invite(by=world.buyer, need=need, organisation_ids=[world.firms["U-Need"].pk])
    firm_person = world.people["U-Need"]
    assert services.mark_opened(by=world.buyer, invitation=invitation) is False  # not the firm's
    assert services.mark_opened(by=firm_person, invitation=invitation) is True
    first_open = invitation.opened_at
    assert invitation.status == PathStatus.OPENED and invitation.opened_by == firm_person
    assert services.mark_opened(by=firm_person, invitation=invitation) is False
    assert invitation.opened_at == first_open
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(
            by=firm_person, invitation=invitation, answer="Nous proposons…", amount=250_000, delay_days=180
        )
    assert invitation.status == PathStatus.ANSWERED and invitation.answered_at is not None
    assert mail.outbox[0].to == ["claire@avionneur.example"]
    services.shortlist(by=world.buyer, invitation=invitation)
    assert invitation.shortlisted_at is not None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.select(by=world.buyer, invitation=invitation)
    assert invitation.status == PathStatus.SELECTED and invitation.selected_at is not None
    assert mail.outbox[0].to == ["u-need@firm.example"]
    assert selectors.need_figures(need).selected == 1


def test_selecting_a_firm_that_did_not_answer_is_refused(world: Any) -> None:
    need = post_need(world)
    [invitation] = services.invite(by=world.buyer, need=need, organisation_ids=[world.firms["U-Need"].pk])
    with pytest.raises(ValidationError):
        services.select(by=world.buyer, invitation=invitation)


def test_decline_needs_a_reason(world: Any) -> None:
    need = post_need(world)
    [invitation] = services.invite(by=world.buyer, need=need, organisation_ids=[world.firms["LabSoft"].pk])
    with pytest.raises(ValidationError) as error:
        services.decline(by=world.people["LabSoft"], invitation=invitation, reason=" ")
    assert "reason" in error.value.message_dict
    services.decline(by=world.people["LabSoft"], invitation=invitation, reason="Pas disponibles")
    assert invitation.status == PathStatus.DECLINED and invitation.declined_at is not None


def test_past_deadline_and_upside_down_budget_are_refused_on_their_fields(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_need(
            by=world.buyer, organisation=world.buyer_org, kind="rd", title="T", description="D",
            deadline=timezone.localdate() - dt.timedelta(days=1), region=Region.objects.get(code="76"),
            budget_min=10, budget_max=5,
        )  # fmt: skip
    assert set(error.value.message_dict) == {"deadline", "budget_max"}
    assert not BuyerNeed.objects.exists()


def test_department_outside_the_region_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_need(
            by=world.buyer, organisation=world.buyer_org, kind="rd", title="T", description="D",
            deadline=timezone.localdate() + dt.timedelta(days=3), region=Region.objects.get(code="44"),
            department=Department.objects.get(code="31"),
        )  # fmt: skip
    assert "department" in error.value.message_dict


def test_close_as_awarded_needs_a_selected_firm(world: Any) -> None:
    need = post_need(world)
    with pytest.raises(ValidationError):
        services.close_need(by=world.buyer, need=need, outcome="awarded")
    services.close_need(by=world.buyer, need=need, outcome="no_go")
    assert need.status == NeedStatus.CLOSED


def test_follow_up_is_asked_once_after_the_deadline_and_counted(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    need = post_need(world)
    later = need.deadline + dt.timedelta(days=selectors.FOLLOW_UP_AFTER_DAYS)
    assert services.ask_follow_ups(today=later - dt.timedelta(days=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.ask_follow_ups(today=later) == 1
    assert services.ask_follow_ups(today=later) == 0
    assert f"/rendez-vous/besoins/{need.pk}/suivi/" in mail.outbox[-1].body
    with pytest.raises(ValidationError):
        services.record_follow_up(by=world.buyer, need=need, project_started=False, project_amount=5)
    services.record_follow_up(by=world.buyer, need=need, project_started=True, project_amount=400_000)
    totals = selectors.staff_figures(BuyerNeed.objects.all())
    assert (totals.posted, totals.follow_up_asked, totals.followed_up, totals.started, totals.started_amount) == (
        1, 1, 1, 1, 400_000,
    )  # fmt: skip
