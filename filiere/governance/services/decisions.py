"""A body's meetings: convocation by mail, attendance and proxies, votes counted per college with
the statutory weights."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts.models import User
from filiere.core.mail import absolute_url, send_templated_mail

from .. import selectors
from ..models import (
    ZERO,
    Attendance,
    CollegeRules,
    CollegeVote,
    Decision,
    Meeting,
)


def convene(*, meeting: Meeting, by: User) -> int:
    """Send the convocation to every seat of the body; returns how many were sent."""
    if not selectors.is_board(by, meeting.body.cluster):
        raise PermissionDenied
    emails = [s.user.email for s in meeting.body.seats.select_related("user") if s.user.email]
    # The meeting's page: its seats see the agenda, the attendance and the decisions there.
    url = absolute_url(reverse("governance:meeting", args=[meeting.pk]))
    for email in emails:  # one mail each: seats do not see each other's addresses
        send_templated_mail(
            "governance/mail/convocation",
            to=[email],
            context={"meeting": meeting, "body": meeting.body.name, "url": url},
        )
    meeting.convened_at = timezone.now()
    meeting.save(update_fields=["convened_at", "updated_at"])
    return len(emails)


@transaction.atomic
def record_attendance(*, meeting: Meeting, by: User, present: list[int], proxies: dict[int, int]) -> None:
    """Who was there (seat ids) and who gave a proxy to whom (seat → seat). A proxy goes to a
    person present, who holds at most the body's `max_proxies`."""
    if not selectors.is_board(by, meeting.body.cluster):
        raise PermissionDenied
    seats = set(meeting.body.seats.values_list("pk", flat=True))
    if not set(present) <= seats or not set(proxies) | set(proxies.values()) <= seats:
        raise ValidationError(_("Siège inconnu dans cette instance."))
    held: dict[int, int] = defaultdict(int)
    for giver, holder in proxies.items():
        if holder not in present or giver in present:
            raise ValidationError(_("Un pouvoir est donné par un absent à une personne présente."))
        held[holder] += 1
        if held[holder] > meeting.body.max_proxies:
            raise ValidationError(
                _("Une personne présente détient au plus %(n)d pouvoirs.") % {"n": meeting.body.max_proxies}
            )
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, seat_id=seat, present=seat in present, proxy_to_id=proxies.get(seat))
        for seat in seats
    )


@transaction.atomic
def record_vote(*, decision: Decision, by: User, counts: dict[int | None, tuple[int, int, int]]) -> Decision:
    """Count a vote per college (college id → yes, no, abstain). Each college's share of yes among
    the votes cast counts with the weight its statutes give; adopted above half the total
    weight of the colleges that voted. Refused when the meeting has no quorum."""
    if not selectors.is_board(by, decision.meeting.body.cluster):
        raise PermissionDenied
    if not selectors.quorum(decision.meeting)["reached"]:
        raise ValidationError(_("Le quorum n'est pas atteint : le vote ne peut pas avoir lieu."))
    return count_votes(decision=decision, counts=counts)


def count_votes(*, decision: Decision, counts: dict[int | None, tuple[int, int, int]]) -> Decision:
    """Store the per-college counts and the weighted result (no rights checked: `record_vote`
    checks them; the demo loads a past vote)."""
    weights = dict(
        CollegeRules.objects.filter(college_id__in=[c for c in counts if c]).values_list(
            "college_id", "vote_weight"
        )
    )
    decision.college_votes.all().delete()
    total = ZERO
    yes_weight = ZERO
    for college_id, (yes, no, abstain) in counts.items():
        weight = weights.get(college_id, Decimal("1")) if college_id else Decimal("1")
        CollegeVote.objects.create(
            decision=decision, college_id=college_id, yes=yes, no=no, abstain=abstain, weight=weight
        )
        if yes + no:
            total += weight
            yes_weight += weight * Decimal(yes) / Decimal(yes + no)
    decision.weighted_yes = (yes_weight / total).quantize(Decimal("0.0001")) if total else ZERO
    decision.adopted = bool(total) and yes_weight * 2 > total
    decision.save(update_fields=["weighted_yes", "adopted", "updated_at"])
    return decision


# --- Public money --------------------------------------------------------------------------
