"""Writes of the B2B meetings: programme, participants, requests, the scheduler's runs, the day.

Every service checks the rights it is given (`by=`) and raises `ValidationError` naming the
field for a refused input; the scheduler's run writes all its meetings in one transaction or
none (an instance it refuses leaves the previous planning as it was, with the error recorded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from filiere.accounts import permissions
from filiere.core.mail import absolute_url, send_templated_mail
from filiere.events import selectors as events_selectors
from filiere.events import services as events_services

from . import scheduler, selectors, tasks
from .models import (
    Attendance,
    Meeting,
    MeetingRequest,
    Participant,
    ParticipantRole,
    Programme,
    ProgrammeStatus,
    RequestStatus,
)


def _check_shape(*, slots: int, tables: int, slot_minutes: int) -> None:
    errors: dict[str, str] = {}
    if not 1 <= slots <= scheduler.MAX_SLOTS:
        errors["slots"] = _("Entre 1 et %(max)d créneaux.") % {"max": scheduler.MAX_SLOTS}
    if tables < 1:
        errors["tables"] = _("Au moins une table.")
    if not 5 <= slot_minutes <= 240:
        errors["slot_minutes"] = _("Un créneau dure entre 5 et 240 minutes.")
    if errors:
        raise ValidationError(errors)


def create_programme(*, by: Any, event: Any, **fields: Any) -> Programme:
    """Add a B2B programme to an event the person manages."""
    if not events_selectors.may_edit_event(by, event):
        raise PermissionDenied
    _check_shape(slots=fields["slots"], tables=fields["tables"], slot_minutes=fields["slot_minutes"])
    if Programme.objects.filter(event=event).exists():
        raise ValidationError(_("Cet événement a déjà un programme de rendez-vous."))
    return Programme.objects.create(event=event, **fields)


def update_programme(*, by: Any, programme: Programme, **fields: Any) -> Programme:
    if not selectors.may_manage(by, programme):
        raise PermissionDenied
    _check_shape(slots=fields["slots"], tables=fields["tables"], slot_minutes=fields["slot_minutes"])
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.save()
    return programme


def _open(programme: Programme) -> None:
    if timezone.now() > programme.requests_close_at:
        raise ValidationError(_("Les demandes de rendez-vous sont closes."))


def join(
    *,
    programme: Programme,
    user: Any,
    role: str,
    organisation: Any = None,
    presentation: str = "",
    unavailable_slots: list[int] | None = None,
) -> Participant:
    """Take part in the B2B meetings: registered for the event (or one of its organisers)."""
    if not permissions.is_signed_in(user):
        raise PermissionDenied
    if events_selectors.active_registration(user, programme.event) is None and not selectors.may_manage(
        user, programme
    ):
        raise ValidationError(_("Inscrivez-vous d'abord à l'événement."))
    _open(programme)
    if role not in ParticipantRole.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    if organisation is not None and organisation.pk not in permissions.organisation_ids_of(user):
        raise ValidationError({"organisation": _("Vous ne faites pas partie de cette organisation.")})
    slots = _slots(programme, unavailable_slots or [], field="unavailable_slots")
    participant, _created = Participant.objects.update_or_create(
        programme=programme,
        user=user,
        defaults={
            "role": role,
            "organisation": organisation,
            "presentation": presentation.strip(),
            "unavailable_slots": slots,
            "cancelled_at": None,
        },
    )
    return participant


def _slots(programme: Programme, values: list[Any], *, field: str) -> list[int]:
    out: set[int] = set()
    for value in values:
        try:
            slot = int(value)
        except (TypeError, ValueError):
            raise ValidationError({field: _("Créneau invalide : %(value)s.") % {"value": value}}) from None
        if not 0 <= slot < programme.slots:
            raise ValidationError(
                {
                    field: _("Créneau %(slot)s hors du programme (0 à %(last)s).")
                    % {"slot": slot, "last": programme.slots - 1}
                }
            )
        out.add(slot)
    return sorted(out)


def cancel_participation(*, participant: Participant, by: Any) -> Participant:
    """A person withdraws (or an organiser withdraws them): their requests stop counting."""
    if by.pk != participant.user_id and not selectors.may_manage(by, participant.programme):
        raise PermissionDenied
    participant.cancelled_at = timezone.now()
    participant.save(update_fields=["cancelled_at", "updated_at"])
    return participant


def _check_pair(programme: Programme, sender: Participant, recipient: Participant) -> None:
    if sender.pk == recipient.pk:
        raise ValidationError(
            {"recipient": _("Vous ne pouvez pas vous demander un rendez-vous à vous-même.")}
        )
    for person in (sender, recipient):
        if person.programme_id != programme.pk or person.cancelled_at is not None:
            raise ValidationError({"recipient": _("Ce participant ne fait pas partie de ce programme.")})
    if MeetingRequest.objects.filter(
        Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender)
    ).exists():
        raise ValidationError({"recipient": _("Une demande existe déjà entre vous.")})


def send_request(*, programme: Programme, by: Any, recipient: Participant, reason: str) -> MeetingRequest:
    """A participant asks another for a meeting, with a reason; the other is told by mail."""
    sender = selectors.participant_of(by, programme)
    if sender is None:
        raise PermissionDenied
    _open(programme)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Dites en une phrase pourquoi vous voulez le rencontrer.")})
    _check_pair(programme, sender, recipient)
    request = MeetingRequest.objects.create(
        programme=programme, sender=sender, recipient=recipient, reason=reason
    )
    _mail(recipient, "request_received", programme, {"request": request})
    return request


def add_request(
    *,
    programme: Programme,
    by: Any,
    sender: Participant,
    recipient: Participant,
    reason: str,
    priority: int = 0,
) -> MeetingRequest:
    """An organiser adds an accepted request on both sides' behalf (deadline or not)."""
    if not selectors.may_manage(by, programme):
        raise PermissionDenied
    _check_pair(programme, sender, recipient)
    return MeetingRequest.objects.create(
        programme=programme,
        sender=sender,
        recipient=recipient,
        reason=reason.strip() or _("Ajouté par l'organisateur"),
        priority=priority,
        status=RequestStatus.ACCEPTED,
        added_by=by,
        answered_at=timezone.now(),
    )


def answer_request(*, request: MeetingRequest, by: Any, accept: bool) -> MeetingRequest:
    """The recipient accepts or declines, before the deadline; the sender is told."""
    if not permissions.is_signed_in(by) or by.pk != request.recipient.user_id:
        raise PermissionDenied
    _open(request.programme)
    if request.status != RequestStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà une réponse."))
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_at", "updated_at"])
    _mail(request.sender, "request_answered", request.programme, {"request": request})
    return request


# --- The scheduler -------------------------------------------------------------------------


def instance_of(programme: Programme) -> tuple[scheduler.Instance, dict[str, MeetingRequest]]:
    """The programme as the scheduler's instance (accepted requests between active people)."""
    people = list(selectors.active_participants(programme))
    ids = {p.pk for p in people}
    requests = [
        r
        for r in MeetingRequest.objects.filter(programme=programme, status=RequestStatus.ACCEPTED).order_by(
            "pk"
        )
        if r.sender_id in ids and r.recipient_id in ids
    ]
    data = {
        "slots": programme.slots,
        "tables": programme.tables,
        "participants": [
            {"id": str(p.pk), "unavailable_slots": list(p.unavailable_slots), "table": p.fixed_table}
            for p in people
        ],
        "requests": [
            {"id": str(r.pk), "participants": [str(r.sender_id), str(r.recipient_id)], "priority": r.priority}
            for r in requests
        ],
    }
    return scheduler.parse_instance(data), {str(r.pk): r for r in requests}


def request_schedule(*, programme: Programme, by: Any) -> None:
    """Queue a run of the scheduler (a task: never inside the request)."""
    if not selectors.may_manage(by, programme):
        raise PermissionDenied
    if programme.locked:
        raise ValidationError(_("Le planning est verrouillé : déverrouillez-le pour le recalculer."))
    transaction.on_commit(lambda: tasks.schedule_programme.enqueue(programme.pk))


def compute_schedule(programme: Programme) -> scheduler.Schedule | None:
    """Run the scheduler and write its planning in one transaction. A published planning is
    re-scheduled with as few moves as possible (locked meetings stay); the people whose meetings
    moved are told. An instance the scheduler refuses leaves everything as it was."""
    try:
        instance, requests = instance_of(programme)
    except scheduler.InstanceError as error:
        Programme.objects.filter(pk=programme.pk).update(run_error=str(error), ran_at=timezone.now())
        return None
    existing = {str(m.request_id): m for m in Meeting.objects.filter(request__programme=programme)}
    published = programme.status == ProgrammeStatus.PUBLISHED
    previous = {rid: scheduler.Placement(m.slot, m.table) for rid, m in existing.items() if rid in requests}
    locked = [rid for rid, m in existing.items() if m.locked]
    result = scheduler.schedule(instance, published=previous or None, locked=locked, time_limit=20.0)
    with transaction.atomic():
        Meeting.objects.filter(request__programme=programme).exclude(
            request_id__in=[int(rid) for rid in result.meetings]
        ).delete()
        for rid, placement in result.meetings.items():
            meeting = existing.get(rid)
            if meeting is None:
                Meeting.objects.create(request=requests[rid], slot=placement.slot, table=placement.table)
            elif (meeting.slot, meeting.table) != (placement.slot, placement.table):
                meeting.slot, meeting.table = placement.slot, placement.table
                meeting.save(update_fields=["slot", "table", "updated_at"])
        programme.ran_at = timezone.now()
        programme.placed = len(result.meetings)
        programme.upper_bound = result.upper_bound
        programme.unscheduled = len(result.unscheduled)
        programme.moved = len(result.moved)
        programme.run_seconds = round(result.seconds, 3)
        programme.run_error = ""
        if not published:
            programme.status = ProgrammeStatus.SCHEDULED
        programme.save()
        if published:
            touched = set(result.moved) | set(result.dropped)
            people = {
                p
                for rid in touched
                if rid in requests
                for p in (requests[rid].sender, requests[rid].recipient)
            }
            for person in people:
                _mail(person, "agenda_changed", programme, {})
    return result


def publish(*, programme: Programme, by: Any) -> Programme:
    """Publish the planning: every participant with a meeting gets their agenda by mail."""
    if not selectors.may_manage(by, programme):
        raise PermissionDenied
    if programme.status == ProgrammeStatus.OPEN:
        raise ValidationError(_("Calculez d'abord le planning."))
    programme.status = ProgrammeStatus.PUBLISHED
    programme.save(update_fields=["status", "updated_at"])
    for person in selectors.active_participants(programme):
        if selectors.agenda(person):
            _mail(person, "agenda_published", programme, {})
    return programme


def unpublish(*, programme: Programme, by: Any) -> Programme:
    if not selectors.may_manage(by, programme):
        raise PermissionDenied
    if programme.status == ProgrammeStatus.PUBLISHED:
        programme.status = ProgrammeStatus.SCHEDULED
        programme.save(update_fields=["status", "updated_at"])
    return programme


def set_locked(*, programme: Programme, by: Any, locked: bool) -> Programme:
    if not selectors.may_manage(by, programme):
        raise PermissionDenied
    programme.locked = locked
    programme.save(update_fields=["locked", "updated_at"])
    return programme


# --- The event's registrations of the participants ------------------------------------------


@dataclass
class RegistrationPass:
    """What `register_participants_for_event` did: `counts` (created, waitlisted, unchanged,
    not_registered) and one note per person not simply registered: their e-mail, the `kind`
    (waitlisted, cancelled, closed) and for `closed` the events app's reason, kept in French (the
    msgid) so that the page translates it in its reader's language."""

    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("created", "waitlisted", "unchanged", "not_registered"), 0)
    )
    notes: list[dict[str, str]] = field(default_factory=list)


def register_participants_for_event(programme: Programme) -> RegistrationPass:
    """Register for the programme's event every participant taking part (not one who withdrew),
    through the events app as its page does: their ticket, the check-in at the door, the
    reminders and the confirmation mail come from there. Run by a task after an import (never in
    the request: each registration locks the event, counts its seats and renders a mail with its
    ICS).

    The events app's rules hold: a confirmed seat while seats are left and nobody waits, else the
    waitlist (a note); an event closed to registrations (unpublished, cancelled, started)
    registers nobody (a note with its reason). Someone already registered is left as they are,
    someone who cancelled their registration or let an offered seat expire is not registered
    again (a note): so a rerun, or two passes at once, register nobody twice. A participant is
    registered for their organisation when they are one of its members, else for none.
    """
    event = programme.event
    outcome = RegistrationPass()
    active: dict[int, bool] = {}  # user id → holds an active registration (else: cancelled, expired)
    for registration in events_selectors.event_registrations(event):
        active[registration.user_id] = active.get(registration.user_id, False) or registration.is_active
    participants = (
        Participant.objects.filter(programme=programme, cancelled_at__isnull=True)
        .select_related("user", "organisation")
        .order_by("pk")  # the file's order: the first lines get the last seats
    )
    for participant in participants:
        counter, note, reason = _register_participant(event, participant, active.get(participant.user_id))
        outcome.counts[counter] += 1
        if note:
            outcome.notes.append({"email": participant.user.email, "kind": note, "reason": reason})
    return outcome


def _register_participant(event: Any, participant: Participant, active: bool | None) -> tuple[str, str, str]:
    """(the counter, the note's kind or "", the events app's reason for a refusal or "")."""
    if active:
        return "unchanged", "", ""
    if active is not None:  # they cancelled theirs (or let an offered seat expire): their choice stands
        return "not_registered", "cancelled", ""
    user = participant.user
    member_of = permissions.organisation_ids_of(user) if participant.organisation_id else frozenset()
    organisation = participant.organisation if participant.organisation_id in member_of else None
    try:
        with override(settings.LANGUAGE_CODE):  # the reason is stored as its msgid (French)
            registration = events_services.register(event=event, user=user, organisation=organisation)
    except events_services.ServiceError as refusal:
        if events_selectors.active_registration(user, event) is not None:  # registered meanwhile
            return "unchanged", "", ""
        return "not_registered", "closed", str(refusal)  # unpublished, cancelled, started
    if registration.confirmed_at is None:  # no free seat, or people already wait: the waitlist
        return "waitlisted", "waitlisted", ""
    return "created", "", ""


# --- The day -------------------------------------------------------------------------------


def check_in(*, participant: Participant, by: Any) -> Participant:
    if not selectors.may_manage(by, participant.programme):
        raise PermissionDenied
    if participant.checked_in_at is None:
        participant.checked_in_at = timezone.now()
        participant.save(update_fields=["checked_in_at", "updated_at"])
    return participant


def mark_attendance(*, meeting: Meeting, by: Any, attendance: str) -> Meeting:
    if not selectors.may_manage(by, meeting.request.programme):
        raise PermissionDenied
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": _("Présence inconnue.")})
    meeting.attendance = attendance
    meeting.save(update_fields=["attendance", "updated_at"])
    return meeting


def rate(*, meeting: Meeting, by: Any, rating: int) -> Meeting:
    """One of the two people rates the meeting (1 to 5)."""
    request = meeting.request
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Une note de 1 à 5.")})
    if by.pk == request.sender.user_id:
        meeting.sender_rating = rating
    elif by.pk == request.recipient.user_id:
        meeting.recipient_rating = rating
    else:
        raise PermissionDenied
    meeting.save(update_fields=["sender_rating", "recipient_rating", "updated_at"])
    return meeting


def _mail(participant: Participant, template: str, programme: Programme, extra: dict[str, Any]) -> None:
    user = participant.user
    if not user.email:
        return
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    context = {
        "programme": programme,
        "event": programme.event,
        "programme_url": absolute_url(reverse("meetings:programme", args=[programme.pk])),
        "agenda_url": absolute_url(reverse("meetings:agenda", args=[programme.pk])),
        **extra,
    }
    with override(language):
        context["deadline"] = date_format(timezone.localtime(programme.requests_close_at), "DATETIME_FORMAT")
    send_templated_mail(f"meetings/mail/{template}", to=[user.email], context=context, language=language)
