"""Applications, decisions, resignations and exclusions, with their log and the directory's
"member of" relation; the member's contacts; the mails to officers and members."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts.models import User
from filiere.core.mail import absolute_url, send_templated_mail
from filiere.organisations import services as organisation_services
from filiere.organisations.models import College, Organisation

from .. import selectors
from ..models import (
    CollegeRules,
    MemberContact,
    Membership,
    MembershipEvent,
    MembershipStatus,
)
from ..naf import naf_matches

# --- Applications and statuses ---------------------------------------------------------------


def rules_of(college: College) -> CollegeRules:
    """The college's rules (defaults when none were set: open to all, approval needed)."""
    rules, _created = CollegeRules.objects.get_or_create(college=college)
    return rules


def eligibility_errors(college: College, organisation: Organisation | None) -> list[str]:
    """Why `organisation` (None: a person) may not join `college`, in the applicant's words."""
    rules = rules_of(college)
    if organisation is None:
        return [] if rules.accepts_people else [_("Ce collège n'accueille que des organisations.")]
    errors = []
    if rules.kinds and organisation.kind not in rules.kinds:
        errors.append(_("Ce collège n'accueille pas ce type d'acteur."))
    if rules.naf_prefixes and not any(naf_matches(organisation.naf_code, p) for p in rules.naf_prefixes):
        errors.append(
            _("L'activité principale (NAF %(naf)s) n'entre pas dans celles du collège.")
            % {"naf": organisation.naf_code or "?"}
        )
    if rules.headcount_bands and organisation.headcount_band not in rules.headcount_bands:
        errors.append(_("La tranche d'effectif n'entre pas dans celles du collège."))
    return errors


def log_membership_event(
    membership: Membership, from_status: str, *, by: User | None, note: str = ""
) -> None:
    """Log a membership's change of status (from `from_status` to its current one)."""
    MembershipEvent.objects.create(
        membership=membership,
        at=timezone.now(),
        from_status=from_status,
        to_status=membership.status,
        by=by,
        note=note[:255],
    )


def sync_member_relation(membership: Membership) -> None:
    """Keep the directory's "member of" relation in step with the membership's status."""
    if membership.organisation_id is None:
        return
    organisation_services.set_member_relation(
        member=membership.organisation,  # type: ignore[arg-type]
        cluster=membership.cluster,
        college=membership.college,
        active=membership.status == MembershipStatus.ACTIVE,
        start_date=membership.joined_on,
        end_date=membership.ended_on,
    )


@transaction.atomic
def apply(
    *,
    college: College,
    by: User,
    organisation: Organisation | None = None,
    headcount: int | None = None,
    turnover: Decimal | None = None,
    note: str = "",
) -> Membership:
    """A firm (by one of its editors) or a person (`organisation` None) applies to a college.
    Checked against the college's rules; active at once when the college needs no approval."""
    if organisation is not None and not selectors.may_act_for(by, organisation):
        raise PermissionDenied
    errors = eligibility_errors(college, organisation)
    if errors:
        raise ValidationError({"college": errors})
    open_ = Membership.objects.filter(cluster=college.cluster, status__in=["pending", "active"])
    open_ = (
        open_.filter(organisation=organisation)
        if organisation
        else open_.filter(person=by, organisation=None)
    )
    if open_.exists():
        raise ValidationError({"college": [_("Une adhésion à ce cluster est déjà en cours.")]})
    membership = Membership.objects.create(
        cluster=college.cluster,
        college=college,
        organisation=organisation,
        person=None if organisation else by,
        headcount=headcount,
        turnover=turnover,
        applied_by=by,
        note=note[:255],
    )
    log_membership_event(membership, "", by=by, note=_("Demande d'adhésion"))
    if not rules_of(college).approval_required:
        activate_membership(membership, by=by, note=_("Adhésion sans validation (règle du collège)"))
    else:
        _notify_officers(membership)
    return membership


def activate_membership(membership: Membership, *, by: User | None, note: str) -> None:
    """Make a membership active (joined today unless it has a date), logged, in the directory."""
    previous = membership.status
    membership.status = MembershipStatus.ACTIVE
    membership.joined_on = membership.joined_on or timezone.localdate()
    membership.ended_on = None
    membership.save(update_fields=["status", "joined_on", "ended_on", "updated_at"])
    log_membership_event(membership, previous, by=by, note=note)
    sync_member_relation(membership)


@transaction.atomic
def decide(*, membership: Membership, by: User, approve: bool, note: str = "") -> Membership:
    """The college's officers (or the board) accept or refuse a pending application."""
    if not selectors.may_manage_college(by, membership.college):
        raise PermissionDenied
    membership = Membership.objects.select_for_update(of=("self",)).get(pk=membership.pk)
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà reçu une réponse."))
    if approve:
        activate_membership(membership, by=by, note=note or _("Adhésion validée"))
    else:
        membership.status = MembershipStatus.REFUSED
        membership.save(update_fields=["status", "updated_at"])
        log_membership_event(membership, MembershipStatus.PENDING, by=by, note=note or _("Adhésion refusée"))
    notify_member(membership, "decision")
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, by: User, status: str, note: str = "") -> Membership:
    """Resign (the member itself, or the board) or exclude (officers, board) a membership."""
    if status == MembershipStatus.RESIGNED:
        allowed = selectors.is_member_side(by, membership) or selectors.may_manage_college(
            by, membership.college
        )
    elif status == MembershipStatus.EXCLUDED:
        allowed = selectors.may_manage_college(by, membership.college)
    else:
        raise ValidationError(_("Statut de fin inconnu."))
    if not allowed:
        raise PermissionDenied
    if membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.PENDING, MembershipStatus.LAPSED):
        raise ValidationError(_("Cette adhésion est déjà close."))
    previous = membership.status
    membership.status = status
    membership.ended_on = timezone.localdate()
    membership.save(update_fields=["status", "ended_on", "updated_at"])
    log_membership_event(membership, previous, by=by, note=note)
    sync_member_relation(membership)
    return membership


# --- Fees ----------------------------------------------------------------------------------


def _notify_officers(membership: Membership) -> None:
    emails = selectors.officer_emails(membership.college)
    if emails:
        transaction.on_commit(
            lambda: send_templated_mail(
                "governance/mail/application",
                to=emails,
                context={
                    "member": membership.member_name,
                    "college": membership.college.name if membership.college else "",
                    "url": absolute_url(reverse("governance:college", args=[membership.college_id])),
                },
            )
        )


def notify_member(membership: Membership, template: str) -> None:
    """Mail `template` to the member's contacts on commit (a decision, a lapse)."""
    recipients = selectors.fee_recipients(membership)
    if recipients:
        context = {
            "member": membership.member_name,
            "cluster": membership.cluster.name,
            "status": membership.get_status_display(),
            "url": absolute_url(reverse("governance:membership", args=[membership.pk])),
        }
        transaction.on_commit(
            lambda: send_templated_mail(f"governance/mail/{template}", to=recipients, context=context)
        )


# --- Contacts ------------------------------------------------------------------------------


def save_contact(
    *, membership: Membership, by: User, data: dict[str, Any], contact: MemberContact | None = None
) -> MemberContact:
    """The member's own people add and change the contacts the cluster writes to."""
    if not selectors.is_member_side(by, membership, editing=True):
        raise PermissionDenied
    contact = contact or MemberContact(membership=membership)
    for name in ("name", "email", "phone", "role", "receives_fee_calls"):
        if name in data:
            setattr(contact, name, data[name])
    contact.full_clean()
    contact.save()
    return contact


def delete_contact(*, contact: MemberContact, by: User) -> None:
    if not selectors.is_member_side(by, contact.membership, editing=True):
        raise PermissionDenied
    contact.delete()
