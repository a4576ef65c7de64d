"""Writes to the directory made by people on the platform (imports live in importers): an
organisation's profile, and its people (invitations sent by its admins, roles, join requests).

Accounts, memberships and invitations are `accounts` rows; the rules on who administers an
organisation are `organisations.permissions`, so membership administration lives here."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from filiere.accounts import selectors as account_selectors
from filiere.accounts import services as account_services
from filiere.accounts.models import Invitation, JoinRequest, JoinStatus, Membership, Role
from filiere.core.mail import absolute_url, send_templated_mail

from .models import College, Establishment, Kind, Organisation, Relation, RelationKind, Source
from .permissions import may_administer_organisation, may_edit_organisation
from .search import establishment_search_text, search_text_for
from .selectors import members

if TYPE_CHECKING:
    from filiere.accounts.permissions import User

# The search text every writer of an establishment stores (other apps' demos write firms).
__all__ = [
    "MemberRelation",
    "change_role",
    "decide_join_request",
    "ensure_member_organisation",
    "establishment_search_text",
    "invite",
    "remove_member",
    "request_to_join",
    "resend_invitation",
    "revoke_invitation",
    "search_text_for",
    "set_member_relation",
    "set_member_relations",
    "update_organisation",
]

EDITABLE_FIELDS = ("name", "description", "website", "tags")


@transaction.atomic
def update_organisation(*, user: User, organisation: Organisation, data: dict[str, Any]) -> list[str]:
    """Apply a person's edit of an organisation's public profile and return the changed fields.

    Only EDITABLE_FIELDS are taken from `data`. Changed field names are added to
    `edited_fields`, so the SIRENE importer never overwrites a human edit. The establishments'
    search text is rebuilt when the name or tags change. Raises PermissionDenied without rights.
    """
    if not may_edit_organisation(user, organisation):
        raise PermissionDenied("Vous ne pouvez pas modifier cette organisation.")
    changed: list[str] = []
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "tags":
            value = [str(t).strip() for t in (value or []) if str(t).strip()]
        if getattr(organisation, name) != value:
            setattr(organisation, name, value)
            changed.append(name)
    if not changed:
        return []
    organisation.edited_fields = sorted(set(organisation.edited_fields or []) | set(changed))
    organisation.save(update_fields=[*changed, "edited_fields", "updated_at"])
    if {"name", "tags"} & set(changed):
        for establishment in organisation.establishments.all():
            establishment.search_text = establishment_search_text(organisation, establishment)
            establishment.save(update_fields=["search_text", "updated_at"])
    return changed


@dataclass(frozen=True)
class MemberRelation:
    """One member's "member of" relation for `set_member_relations`: `set_member_relation`'s fields."""

    member: Organisation
    college: College | None
    active: bool
    start_date: dt.date | None = None
    end_date: dt.date | None = None


def set_member_relation(
    *,
    member: Organisation,
    cluster: Organisation,
    college: College | None,
    active: bool,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> None:
    """Keep the directory's "member of" relation in step with a membership (governance): present,
    in its college, while the membership is active; removed when it ends."""
    relation = MemberRelation(
        member=member, college=college, active=active, start_date=start_date, end_date=end_date
    )
    set_member_relations(cluster=cluster, relations=[relation])


@transaction.atomic
def set_member_relations(*, cluster: Organisation, relations: Iterable[MemberRelation]) -> None:
    """`set_member_relation` for many members of one cluster (a merger's firms) in a few queries:
    the relations read at once, the new ones inserted together, in the order given; when a member
    comes twice, its last entry wins."""
    wanted = {r.member.pk: r for r in relations}
    if not wanted:
        return
    held = {
        r.source_id: r
        for r in Relation.objects.select_for_update().filter(
            source_id__in=list(wanted), target=cluster, kind=RelationKind.MEMBER_OF
        )
    }
    ended = [held[pk].pk for pk, r in wanted.items() if not r.active and pk in held]
    if ended:
        Relation.objects.filter(pk__in=ended).delete()
    now = timezone.now()
    changed, new = [], []
    for pk, r in wanted.items():
        if not r.active:
            continue
        relation = held.get(pk)
        if relation is None:
            new.append(
                Relation(
                    source=r.member, target=cluster, kind=RelationKind.MEMBER_OF, college=r.college,
                    start_date=r.start_date, end_date=r.end_date,
                )
            )  # fmt: skip
            continue
        relation.college, relation.start_date, relation.end_date = r.college, r.start_date, r.end_date
        relation.updated_at = now  # what update_or_create's save() sets (auto_now)
        changed.append(relation)
    Relation.objects.bulk_update(changed, fields=["college", "start_date", "end_date", "updated_at"])
    Relation.objects.bulk_create(new)


def create_organisation(
    *, name: str, kind: str, source: str, head_office: dict[str, Any] | None = None, **fields: Any
) -> Organisation:
    """A new organisation of the directory, with its head office when `head_office` gives its
    fields (name defaults to the organisation's; kind, NAF, digital flag, headcount band and
    source follow the organisation unless given). The head office is indexed for search at once.
    Every demo and importer that adds an organisation outside the SIRENE import goes through here.
    """
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name[:255], kind=kind, source=source, **fields)
        if head_office is not None:
            values = {
                "name": organisation.name,
                "kind": organisation.kind,
                "naf_code": organisation.naf_code,
                "is_digital": organisation.is_digital,
                "headcount_band": organisation.headcount_band,
                "source": organisation.source,
                **head_office,
            }
            establishment = Establishment(organisation=organisation, is_head_office=True, **values)
            establishment.search_text = establishment_search_text(organisation, establishment)
            establishment.save()
    return organisation


def ensure_member_organisation(
    *, siren: str, name: str, address: str = "", postcode: str = "", city: str = ""
) -> Organisation:
    """The directory's organisation for a member found in an association's file: by SIREN when
    known; else a new company record (source "manual") with its one establishment, so members
    never live outside the directory."""
    if siren:
        found = Organisation.objects.filter(siren=siren).first()
        if found is not None:
            return found
    return create_organisation(
        name=name, kind=Kind.COMPANY, source=Source.MANUAL, siren=siren or None,
        head_office={
            "name": "", "address": address[:255], "postcode": postcode[:10], "city": city[:100],
            "department_code": postcode[:2] if postcode[:2].isdigit() else "",
        },
    )  # fmt: skip


# --- Members, invitations, join requests (membership administration) -------------------------


def _require_admin(by: User, organisation: Any) -> None:
    if not may_administer_organisation(by, organisation):
        raise PermissionDenied(_("Vous n'administrez pas cette organisation."))


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(_("Rôle inconnu."))


def _send_invitation(invitation: Invitation, *, language: str | None = None) -> None:
    inviter = invitation.invited_by
    send_templated_mail(
        "organisations/mail/invitation",
        to=[invitation.email],
        context={
            "organisation_name": invitation.organisation.name,
            "role": invitation.get_role_display(),
            "inviter_name": (inviter.get_full_name() or inviter.email) if inviter else "",
            "accept_url": absolute_url(reverse("accounts:invitation", args=[invitation.token])),
            "expires_at": invitation.expires_at,
        },
        language=language or translation.get_language(),
    )


def invite(*, by: User, organisation: Any, email: str, role: str = Role.MEMBER) -> Invitation:
    """Invite `email` to `organisation` with `role` and mail the private link.

    A pending invitation of the same address is renewed (new role, new expiry, mailed again)
    rather than duplicated; an address that is already a member with this role or a higher
    one is refused.
    """
    _require_admin(by, organisation)
    _check_role(role)
    email = account_services.normalise_email(email)
    existing_user = account_selectors.find_user_by_email(email)
    if existing_user is not None:
        membership = Membership.objects.filter(user=existing_user, organisation=organisation).first()
        if (
            membership is not None
            and account_services.ROLE_RANK[membership.role] >= account_services.ROLE_RANK[role]
        ):
            raise ValidationError(
                _("%(email)s est déjà %(role)s de cette organisation.")
                % {"email": email, "role": membership.get_role_display().lower()}
            )
    expires_at = timezone.now() + dt.timedelta(days=account_services.INVITATION_VALID_DAYS)
    with transaction.atomic():
        invitation = Invitation.objects.filter(organisation=organisation, email=email).pending().first()
        if invitation is None:
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=email,
                role=role,
                token=secrets.token_urlsafe(32),
                invited_by=by,
                expires_at=expires_at,
            )
        else:
            invitation.role = role
            invitation.invited_by = by
            invitation.expires_at = expires_at
            invitation.sent_count += 1
            invitation.save(update_fields=["role", "invited_by", "expires_at", "sent_count", "updated_at"])
        _send_invitation(
            invitation, language=account_services.language_of(existing_user) if existing_user else None
        )
    return invitation


def resend_invitation(*, by: User, invitation: Invitation) -> Invitation:
    """Mail a pending (or expired) invitation again, valid for another INVITATION_VALID_DAYS."""
    _require_admin(by, invitation.organisation)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("Cette invitation n'est plus en attente."))
    invitation.expires_at = timezone.now() + dt.timedelta(days=account_services.INVITATION_VALID_DAYS)
    invitation.sent_count += 1
    invitation.save(update_fields=["expires_at", "sent_count", "updated_at"])
    existing_user = account_selectors.find_user_by_email(invitation.email)
    _send_invitation(
        invitation, language=account_services.language_of(existing_user) if existing_user else None
    )
    return invitation


def revoke_invitation(*, by: User, invitation: Invitation) -> None:
    """Revoke a pending invitation: its link stops working."""
    _require_admin(by, invitation.organisation)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Cette invitation a déjà été acceptée."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])


def _is_last_admin(membership: Membership) -> bool:
    return (
        membership.role == Role.ADMIN
        and not Membership.objects.filter(organisation_id=membership.organisation_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


def change_role(*, by: User, membership: Membership, role: str) -> Membership:
    """Give a member another role; the last admin of an organisation keeps theirs."""
    _require_admin(by, membership.organisation)
    _check_role(role)
    if role != Role.ADMIN and _is_last_admin(membership):
        raise ValidationError(
            _("%(name)s est le dernier administrateur : nommez d'abord un autre administrateur.")
            % {"name": membership.user.get_full_name() or membership.user.email}
        )
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


def remove_member(*, by: User, membership: Membership) -> None:
    """Remove a person from an organisation (never its last admin)."""
    _require_admin(by, membership.organisation)
    if _is_last_admin(membership):
        raise ValidationError(
            _("%(name)s est le dernier administrateur : nommez d'abord un autre administrateur.")
            % {"name": membership.user.get_full_name() or membership.user.email}
        )
    membership.delete()


def request_to_join(*, user: User, organisation: Any, message: str = "") -> JoinRequest:
    """A signed-in person asks to join `organisation`; its admins (or, when it has none, the
    regional staff of its regions) get a mail."""
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError(_("Vous êtes déjà membre de cette organisation."))
    if JoinRequest.objects.filter(user=user, organisation=organisation, status=JoinStatus.PENDING).exists():
        raise ValidationError(_("Votre demande est déjà en attente de réponse."))
    join_request = JoinRequest.objects.create(user=user, organisation=organisation, message=message.strip())
    url = absolute_url(reverse("memberships:members", args=[organisation.pk]))
    for recipient in members.join_request_recipients(organisation):
        send_templated_mail(
            "organisations/mail/join_request",
            to=[recipient.email],
            context={
                "organisation_name": organisation.name,
                "person_name": user.get_full_name() or user.email,
                "person_email": user.email,
                "message": join_request.message,
                "members_url": url,
            },
            language=account_services.language_of(recipient),
        )
    return join_request


def decide_join_request(
    *, by: User, join_request: JoinRequest, approve: bool, role: str = Role.MEMBER
) -> JoinRequest:
    """Approve a join request with `role` (membership added) or refuse it; the person is told."""
    _require_admin(by, join_request.organisation)
    if join_request.status != JoinStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà reçu une réponse."))
    if approve:
        _check_role(role)
    with transaction.atomic():
        if approve:
            account_services.add_membership(join_request.user, join_request.organisation, role)
            join_request.role = role
        join_request.status = JoinStatus.APPROVED if approve else JoinStatus.REFUSED
        join_request.decided_by = by
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["status", "role", "decided_by", "decided_at", "updated_at"])
        person = join_request.user
        send_templated_mail(
            "organisations/mail/join_decision",
            to=[person.email],
            context={
                "organisation_name": join_request.organisation.name,
                "approved": approve,
                "role": join_request.get_role_display() if approve else "",
                "space_url": absolute_url(reverse("accounts:space")),
            },
            language=account_services.language_of(person),
        )
    return join_request
