"""Writes of a cluster's bodies: the body itself (kind, quorum, proxy cap), its seats, its
meetings, their minutes and decisions. Convening, attendance and votes are `services.convene`,
`services.record_attendance` and `services.record_vote` (the rules of quorum, proxies and the
weighted count live there).

Every write takes the acting user (`by`) and is refused (`PermissionDenied`) unless they are on
the board of the body's owner (`selectors.is_board`); bad input is a `ValidationError` naming
the field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts.models import Membership as AccountMembership
from filiere.accounts.models import User
from filiere.core.mail import absolute_url, send_templated_mail
from filiere.organisations.models import College, Organisation

from .. import selectors
from ..models import Body, BodyKind, Decision, Meeting, Membership, MembershipStatus, Seat


def _require_board(by: User, owner: Organisation | int) -> None:
    if not selectors.is_board(by, owner):
        raise PermissionDenied


def _check_body(*, owner: Organisation, kind: str, college: College | None, quorum: Decimal) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in BodyKind.values:
        errors["kind"] = [_("Type d'instance inconnu.")]
    if kind == BodyKind.COLLEGE and college is None:
        errors["college"] = [_("Choisissez le collège que cette instance réunit.")]
    if college is not None and college.cluster_id != owner.pk:
        errors["college"] = [_("Ce collège n'appartient pas à ce cluster.")]
    if not Decimal("0") < quorum <= Decimal("1"):
        errors["quorum"] = [_("Le quorum est une part des sièges, entre 1 et 100 pour cent.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_body(
    *,
    by: User,
    owner: Organisation,
    kind: str,
    name: str,
    quorum: Decimal,
    max_proxies: int,
    college: College | None = None,
    body: Body | None = None,
) -> Body:
    """Create a body of `owner` (or change `body`): its kind, name, college (a college's
    body), quorum (share of seats present or represented) and proxies per person present."""
    _require_board(by, owner)
    if body is not None and body.cluster_id != owner.pk:
        raise PermissionDenied
    _check_body(owner=owner, kind=kind, college=college, quorum=quorum)
    body = body or Body(cluster=owner)
    body.kind = kind
    body.name = name.strip()[:150]
    body.college = college if kind == BodyKind.COLLEGE else None
    body.quorum = quorum
    body.max_proxies = max_proxies
    body.save()
    return body


def find_person(email: str) -> User:
    """The active account with this address (a seat is a person with an account)."""
    users = list(User.objects.filter(email__iexact=email.strip(), is_active=True)[:2])
    if not users:
        raise ValidationError(
            {"email": [_("Aucun compte actif avec cette adresse : invitez d'abord la personne.")]}
        )
    if len(users) > 1:
        raise ValidationError({"email": [_("Plusieurs comptes ont cette adresse : contactez l'équipe.")]})
    return users[0]


@transaction.atomic
def add_seat(
    *,
    by: User,
    body: Body,
    email: str,
    membership: Membership | None = None,
    college: College | None = None,
    role: str = "",
) -> Seat:
    """Seat a person (found by the address of their account) in a body, for a member firm of
    the cluster (`membership`, whose college is the seat's unless another is given) or in their
    own name. The seat represents the member's organisation, or, in one's own name, the
    person's organisation when they belong to exactly one (`set_seat_organisation` changes it)."""
    _require_board(by, body.cluster_id)
    user = find_person(email)
    errors: dict[str, list[str]] = {}
    if body.seats.filter(user=user).exists():
        errors["email"] = [_("Cette personne siège déjà dans cette instance.")]
    if membership is not None and (
        membership.cluster_id != body.cluster_id or membership.status != MembershipStatus.ACTIVE
    ):
        errors["membership"] = [_("Choisissez un membre actif de ce cluster.")]
    if college is not None and college.cluster_id != body.cluster_id:
        errors["college"] = [_("Ce collège n'appartient pas à ce cluster.")]
    if errors:
        raise ValidationError(errors)
    if college is None and membership is not None:
        college = membership.college
    if membership is not None:
        organisation_id = membership.organisation_id
    else:
        own = list(person_organisations(user).values_list("pk", flat=True)[:2])
        organisation_id = own[0] if len(own) == 1 else None
    return Seat.objects.create(
        body=body, user=user, membership=membership, college=college, organisation_id=organisation_id,
        role=role[:80],
    )  # fmt: skip


def person_organisations(user: User) -> QuerySet[Organisation]:
    """The organisations a person belongs to in the directory (those a seat may represent)."""
    return Organisation.objects.filter(
        pk__in=AccountMembership.objects.filter(user=user).values("organisation_id")
    ).order_by("name")


@transaction.atomic
def set_seat_organisation(*, by: User, seat: Seat, organisation: Organisation | None) -> Seat:
    """Name the organisation a seat represents: one the person belongs to, or none."""
    _require_board(by, seat.body.cluster_id)
    if organisation is not None and not person_organisations(seat.user).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": [_("Cette personne n'appartient pas à cette organisation.")]})
    seat.organisation = organisation
    seat.save(update_fields=["organisation"])
    return seat


@transaction.atomic
def remove_seat(*, by: User, seat: Seat) -> None:
    """Remove a seat. The attendance it had in past meetings goes with it (the quorum of those
    meetings is counted again on what remains), so a seat that attended is refused."""
    _require_board(by, seat.body.cluster_id)
    if seat.body.meetings.filter(attendances__seat=seat).exists():
        raise ValidationError(
            _("Cette personne figure sur la feuille de présence d'une réunion : son siège est conservé.")
        )
    seat.delete()


@transaction.atomic
def save_meeting(
    *,
    by: User,
    body: Body,
    starts_at: dt.datetime,
    place: str,
    agenda: str,
    meeting: Meeting | None = None,
) -> Meeting:
    """Create a meeting of a body (or change its date, place and agenda)."""
    _require_board(by, body.cluster_id)
    if not agenda.strip():
        raise ValidationError({"agenda": [_("L'ordre du jour est obligatoire.")]})
    meeting = meeting or Meeting(body=body)
    meeting.starts_at = starts_at
    meeting.place = place.strip()[:200]
    meeting.agenda = agenda.strip()
    meeting.save()
    return meeting


def meeting_url(meeting: Meeting) -> str:
    """The meeting's page, as an absolute link for mails."""
    return absolute_url(reverse("governance:meeting", args=[meeting.pk]))


@transaction.atomic
def save_minutes(*, by: User, meeting: Meeting, minutes: str, publish: bool = False) -> int:
    """Keep the minutes of a meeting: a draft only the board reads, until `publish` dates them
    (`minutes_published_at`: the seats read them from then on) and mails them to every seat of
    the body (one mail each, with the meeting's link). Saving published minutes again without
    publishing keeps them published (a correction the seats read, not mailed). Returns how
    many were mailed."""
    _require_board(by, meeting.body.cluster_id)
    if publish and not minutes.strip():
        raise ValidationError({"minutes": [_("Écrivez le procès-verbal avant de le publier.")]})
    meeting.minutes = minutes.strip()
    if publish:
        meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_published_at", "updated_at"])
    if not publish:
        return 0
    emails = [s.user.email for s in meeting.body.seats.select_related("user") if s.user.email]
    context = {"meeting": meeting, "body": meeting.body.name, "url": meeting_url(meeting)}
    for email in emails:
        send_templated_mail("governance/mail/minutes", to=[email], context=context)
    return len(emails)


@transaction.atomic
def create_decision(*, by: User, meeting: Meeting, title: str, text: str, is_public: bool) -> Decision:
    """Put a resolution on a meeting's table (its vote is `services.record_vote`)."""
    _require_board(by, meeting.body.cluster_id)
    if not title.strip():
        raise ValidationError({"title": [_("Donnez un intitulé à la décision.")]})
    return Decision.objects.create(
        meeting=meeting, title=title.strip()[:200], text=text.strip(), is_public=is_public
    )


@transaction.atomic
def update_decision(*, by: User, decision: Decision, title: str, text: str, is_public: bool) -> Decision:
    """Change a decision's wording or whether it is published in the register."""
    _require_board(by, decision.meeting.body.cluster_id)
    if not title.strip():
        raise ValidationError({"title": [_("Donnez un intitulé à la décision.")]})
    decision.title = title.strip()[:200]
    decision.text = text.strip()
    decision.is_public = is_public
    decision.save(update_fields=["title", "text", "is_public", "updated_at"])
    return decision
