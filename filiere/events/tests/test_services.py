"""Registration, the waitlist, offers and their deadline, reminders, check-in (services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from filiere.accounts.models import Role
from filiere.events import services
from filiere.events.models import Registration
from filiere.events.models import RegistrationStatus as S
from filiere.events.tickets import ticket_code

from .factories import MembershipFactory, OrganisationFactory, UserFactory, make_event, staff_of

pytestmark = pytest.mark.django_db


def people(n: int) -> list[Any]:
    return [UserFactory() for _ in range(n)]


def test_registration_confirms_while_seats_are_left_then_waitlists_in_order() -> None:
    event = make_event(capacity=2)
    a, b, c, d = people(4)
    statuses = [services.register(event=event, user=u).status for u in (a, b, c, d)]
    assert statuses == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert list(event.registrations.order_by("sequence").values_list("user", flat=True)) == [
        a.pk, b.pk, c.pk, d.pk
    ]  # fmt: skip


def test_registering_twice_is_refused_with_a_clear_message() -> None:
    event = make_event()
    user = UserFactory()
    services.register(event=event, user=user)
    with pytest.raises(services.ServiceError, match="déjà inscrit"):
        services.register(event=event, user=user)
    assert event.registrations.count() == 1


def test_registration_for_a_firm_requires_membership() -> None:
    event = make_event()
    user = UserFactory()
    firm: Any = OrganisationFactory()
    other: Any = OrganisationFactory()
    MembershipFactory(organisation=firm, user=user, role=Role.MEMBER)
    assert services.register(event=event, user=user, organisation=firm).organisation == firm
    with pytest.raises(services.ServiceError, match="membre"):
        services.register(event=make_event(), user=user, organisation=other)


def test_registration_refused_once_the_event_started_or_when_a_draft() -> None:
    started = make_event(starts_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(services.ServiceError, match="closes"):
        services.register(event=started, user=UserFactory())
    with pytest.raises(services.ServiceError, match="pas ouvert"):
        services.register(event=make_event(is_published=False), user=UserFactory())
    assert not Registration.objects.exists()


def test_cancellation_offers_the_seat_to_the_first_in_line_with_a_deadline(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(capacity=1, offer_hours=24)
    first, second, third = people(3)
    seat = services.register(event=event, user=first)
    services.register(event=event, user=second)
    services.register(event=event, user=third)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=seat, by=first)
    offered = Registration.objects.get(user=second)
    assert offered.status == S.OFFERED
    assert offered.offered_at is not None
    assert offered.offer_expires_at == offered.offered_at + dt.timedelta(hours=24)
    assert Registration.objects.get(user=third).status == S.WAITLISTED
    [mail] = mailoutbox
    assert mail.to == [second.email] and "https://filiere.example/evenements/mes-inscriptions/" in mail.body


def test_offer_deadline_never_passes_the_event_start() -> None:
    event = make_event(capacity=1, offer_hours=48, starts_at=timezone.now() + dt.timedelta(hours=5))
    first, second = people(2)
    seat = services.register(event=event, user=first)
    services.register(event=event, user=second)
    services.cancel_registration(registration=seat, by=first)
    assert Registration.objects.get(user=second).offer_expires_at == event.starts_at


def test_confirming_an_offer_in_time_takes_the_seat() -> None:
    event = make_event(capacity=1)
    first, second = people(2)
    seat = services.register(event=event, user=first)
    waiting = services.register(event=event, user=second)
    services.cancel_registration(registration=seat, by=first)
    assert services.confirm_offer(registration=waiting, by=second).status == S.CONFIRMED


def test_confirming_an_expired_offer_is_refused_and_the_seat_moves_on() -> None:
    event = make_event(capacity=1)
    first, second, third = people(3)
    seat = services.register(event=event, user=first)
    late = services.register(event=event, user=second)
    services.register(event=event, user=third)
    services.cancel_registration(registration=seat, by=first)
    Registration.objects.filter(pk=late.pk).update(offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(services.ServiceError, match="expiré"):
        services.confirm_offer(registration=late, by=second)
    assert Registration.objects.get(pk=late.pk).status == S.EXPIRED
    assert Registration.objects.get(user=third).status == S.OFFERED


def test_the_scheduled_task_expires_offers_and_offers_the_next_seat() -> None:
    event = make_event(capacity=1)
    first, second, third = people(3)
    seat = services.register(event=event, user=first)
    services.register(event=event, user=second)
    services.register(event=event, user=third)
    services.cancel_registration(registration=seat, by=first)
    later = timezone.now() + dt.timedelta(hours=event.offer_hours + 1)
    assert services.expire_offers(now=later) == 1
    assert Registration.objects.get(user=second).status == S.EXPIRED
    assert Registration.objects.get(user=third).status == S.OFFERED
    assert services.expire_offers(now=timezone.now()) == 0  # the new offer is still running


def test_a_new_registration_does_not_jump_the_line_while_a_seat_is_offered() -> None:
    event = make_event(capacity=1)
    first, second, newcomer = people(3)
    seat = services.register(event=event, user=first)
    services.register(event=event, user=second)
    services.cancel_registration(registration=seat, by=first)
    assert services.register(event=event, user=newcomer).status == S.WAITLISTED


def test_raising_the_capacity_offers_seats_to_the_waitlist() -> None:
    event = make_event(capacity=1)
    editor = staff_of(event.organiser)
    first, second = people(2)
    services.register(event=event, user=first)
    services.register(event=event, user=second)
    services.update_event(by=editor, event=event, capacity=2)
    assert Registration.objects.get(user=second).status == S.OFFERED


def test_capacity_below_confirmed_seats_is_refused() -> None:
    event = make_event(capacity=2)
    editor = staff_of(event.organiser)
    for user in people(2):
        services.register(event=event, user=user)
    with pytest.raises(services.ServiceError, match="2 places"):
        services.update_event(by=editor, event=event, capacity=1)
    event.refresh_from_db()
    assert event.capacity == 2


def test_only_the_person_cancels_their_registration() -> None:
    event = make_event()
    owner, other = people(2)
    registration = services.register(event=event, user=owner)
    with pytest.raises(services.ServiceError):
        services.cancel_registration(registration=registration, by=other)
    assert Registration.objects.get(pk=registration.pk).status == S.CONFIRMED


def test_reminders_go_once_the_day_before(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    soon = make_event(
        starts_at=timezone.now() + dt.timedelta(hours=20), online_url="https://visio.example/abc"
    )
    later = make_event(starts_at=timezone.now() + dt.timedelta(days=5))
    user = UserFactory()
    services.register(event=soon, user=user)
    services.register(event=later, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    [mail] = mailoutbox
    assert "Rappel" in mail.subject and "https://visio.example/abc" in mail.body
    assert mail.attachments[0][0] == "evenement.ics"


def test_check_in_counts_twice_as_once() -> None:
    event = make_event()
    door = staff_of(event.organiser, Role.MEMBER)
    registration = services.register(event=event, user=UserFactory())
    code = ticket_code(registration.pk, event.pk)
    first = services.check_in_code(event=event, code=code, by=door)
    second = services.check_in_code(event=event, code=code, by=door)
    assert not first.already and second.already
    assert second.registration.checked_in_at == first.registration.checked_in_at
    assert event.registrations.filter(checked_in_at__isnull=False).count() == 1


def test_check_in_rejects_a_forged_code() -> None:
    event = make_event()
    door = staff_of(event.organiser)
    registration = services.register(event=event, user=UserFactory())
    forged = ticket_code(registration.pk, event.pk)[:-3] + "xyz"
    with pytest.raises(services.ServiceError, match="Code invalide"):
        services.check_in_code(event=event, code=forged, by=door)
    with pytest.raises(services.ServiceError, match="Code invalide"):
        services.check_in_code(event=event, code=f"{registration.pk}-{event.pk}", by=door)
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


def test_check_in_rejects_a_ticket_of_another_event_naming_it() -> None:
    event = make_event()
    other = make_event(organiser=event.organiser, title="Vivatech 2027")
    door = staff_of(event.organiser)
    registration = services.register(event=other, user=UserFactory())
    with pytest.raises(services.ServiceError, match="Vivatech 2027"):
        services.check_in_code(event=event, code=ticket_code(registration.pk, other.pk), by=door)


def test_check_in_rejects_a_cancelled_registration() -> None:
    event = make_event()
    door = staff_of(event.organiser)
    user = UserFactory()
    registration = services.register(event=event, user=user)
    services.cancel_registration(registration=registration, by=user)
    with pytest.raises(services.ServiceError, match="Annulée"):
        services.check_in_code(event=event, code=ticket_code(registration.pk, event.pk), by=door)


def test_check_in_needs_the_organisers_staff() -> None:
    event = make_event()
    registration = services.register(event=event, user=UserFactory())
    with pytest.raises(services.ServiceError, match="accueil"):
        services.check_in(event=event, registration_id=registration.pk, by=UserFactory())


def test_cancelling_the_event_tells_everyone_registered_and_closes_registration(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(capacity=1, title="Atelier IA")
    holder, waiting = people(2)
    services.register(event=event, user=holder)
    services.register(event=event, user=waiting)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(by=staff_of(event.organiser), event=event)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([holder.email, waiting.email])
    assert all(m.subject == "Événement annulé : Atelier IA" for m in mailoutbox)
    with pytest.raises(services.ServiceError, match="pas ouvert"):
        services.register(event=event, user=UserFactory())
    with pytest.raises(services.ServiceError, match="déjà annulé"):
        services.cancel_event(by=staff_of(event.organiser), event=event)


def test_only_the_organisers_editors_cancel_the_event() -> None:
    event = make_event()
    with pytest.raises(services.ServiceError):
        services.cancel_event(by=staff_of(event.organiser, Role.MEMBER), event=event)
    event.refresh_from_db()
    assert event.cancelled_at is None
