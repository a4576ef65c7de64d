"""Writes of the accounts app: invitations, join requests, members' roles, self sign-up,
e-mail verification and deactivation.

Every service checks its preconditions and raises `PermissionDenied` (not allowed) or
`ValidationError` (a French message for the person); the mails go through `core.mail`, queued
after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from filiere.core.mail import absolute_url, send_templated_mail
from filiere.organisations.permissions import may_administer_organisation

from . import selectors
from .models import Invitation, JoinRequest, JoinStatus, Membership, Profile, Role, User
from .tokens import email_verification_token, uid_for

if TYPE_CHECKING:
    from .permissions import User

INVITATION_VALID_DAYS = 14
# Mails anyone can trigger by typing an address (sign-up of a taken address, verification sent
# again) go out at most once per account in this many seconds, so the form cannot flood a
# mailbox. The throttle lives in the cache (per process with the default local-memory cache).
ACCOUNT_MAIL_INTERVAL = 300
ROLE_RANK = {Role.MEMBER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


def normalise_email(email: str) -> str:
    """The form an address is stored and compared in: trimmed, lowercased."""
    return (email or "").strip().lower()


def language_of(user: User | None) -> str:
    """The language to write to `user` in: theirs if known, else the current one."""
    return (getattr(user, "language", "") or translation.get_language() or "fr")[:2]


def _require_admin(by: User, organisation: Any) -> None:
    if not may_administer_organisation(by, organisation):
        raise PermissionDenied(_("Vous n'administrez pas cette organisation."))


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(_("Rôle inconnu."))


# --- Invitations ----------------------------------------------------------------------------


def _send_invitation(invitation: Invitation, *, language: str | None = None) -> None:
    inviter = invitation.invited_by
    send_templated_mail(
        "accounts/mail/invitation",
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
    email = normalise_email(email)
    existing_user = selectors.find_user_by_email(email)
    if existing_user is not None:
        membership = Membership.objects.filter(user=existing_user, organisation=organisation).first()
        if membership is not None and ROLE_RANK[membership.role] >= ROLE_RANK[role]:
            raise ValidationError(
                _("%(email)s est déjà %(role)s de cette organisation.")
                % {"email": email, "role": membership.get_role_display().lower()}
            )
    expires_at = timezone.now() + dt.timedelta(days=INVITATION_VALID_DAYS)
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
        _send_invitation(invitation, language=language_of(existing_user) if existing_user else None)
    return invitation


def resend_invitation(*, by: User, invitation: Invitation) -> Invitation:
    """Mail a pending (or expired) invitation again, valid for another INVITATION_VALID_DAYS."""
    _require_admin(by, invitation.organisation)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("Cette invitation n'est plus en attente."))
    invitation.expires_at = timezone.now() + dt.timedelta(days=INVITATION_VALID_DAYS)
    invitation.sent_count += 1
    invitation.save(update_fields=["expires_at", "sent_count", "updated_at"])
    existing_user = selectors.find_user_by_email(invitation.email)
    _send_invitation(invitation, language=language_of(existing_user) if existing_user else None)
    return invitation


def revoke_invitation(*, by: User, invitation: Invitation) -> None:
    """Revoke a pending invitation: its link stops working."""
    _require_admin(by, invitation.organisation)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Cette invitation a déjà été acceptée."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])


def invitation_problem(invitation: Invitation | None) -> str:
    """Why an invitation link cannot be used (a French sentence), or "" when it can."""
    if invitation is None:
        return _("Ce lien d'invitation n'existe pas. Vérifiez que vous avez copié l'adresse en entier.")
    if invitation.revoked_at is not None:
        return _("Cette invitation a été annulée par l'organisation.")
    if invitation.accepted_at is not None:
        return _("Cette invitation a déjà été acceptée. Connectez-vous pour accéder à votre espace.")
    if invitation.is_expired:
        return _("Cette invitation a expiré. Demandez à l'organisation de vous en envoyer une nouvelle.")
    return ""


def _add_membership(user: User, organisation: Any, role: str) -> Membership:
    """Add `user` to `organisation` with `role`, or raise an existing membership to it (never lowers)."""
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if not created and ROLE_RANK[role] > ROLE_RANK[membership.role]:
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    return membership


def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """The signed-in `user`, whose address the invitation was sent to, joins the organisation."""
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem)
    if normalise_email(user.email) != invitation.email and normalise_email(user.username) != invitation.email:
        raise ValidationError(
            _(
                "Cette invitation a été envoyée à %(invited)s, mais vous êtes connecté avec %(current)s. "
                "Déconnectez-vous puis ouvrez à nouveau le lien."
            )
            % {"invited": invitation.email, "current": user.email or user.username}
        )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or locked.revoked_at is not None:
            raise ValidationError(invitation_problem(locked))
        membership = _add_membership(user, invitation.organisation, invitation.role)
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        if user.email_verified_at is None:
            # The link reached this mailbox: the address is proven.
            user.email_verified_at = locked.accepted_at
            user.save(update_fields=["email_verified_at"])
    invitation.accepted_at, invitation.accepted_by = locked.accepted_at, user
    return membership


def create_invited_account(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> tuple[Any, Membership]:
    """A newcomer accepts an invitation: their account is created (active, address verified,
    login = the invited address) and joins the organisation.

    An unfinished self sign-up of the same address (never verified) is completed instead: the
    invitation proves the mailbox.
    """
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem)
    with transaction.atomic():
        user = selectors.find_user_by_email(invitation.email)
        if user is not None and (user.email_verified_at is not None or user.is_active or user.deactivated_at):
            raise ValidationError(
                _("Un compte existe déjà pour cette adresse : connectez-vous pour accepter.")
            )
        if user is None:
            user = User(username=invitation.email, email=invitation.email)
        user.first_name, user.last_name = first_name.strip(), last_name.strip()
        user.is_active = True
        user.email_verified_at = timezone.now()
        user.language = user.language or language_of(None)
        user.set_password(password)
        user.save()
        membership = accept_invitation(invitation=invitation, user=user)
    return user, membership


# --- Members ---------------------------------------------------------------------------------


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


# --- Join requests ---------------------------------------------------------------------------


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
    url = absolute_url(reverse("accounts:members", args=[organisation.pk]))
    for recipient in selectors.join_request_recipients(organisation):
        send_templated_mail(
            "accounts/mail/join_request",
            to=[recipient.email],
            context={
                "organisation_name": organisation.name,
                "person_name": user.get_full_name() or user.email,
                "person_email": user.email,
                "message": join_request.message,
                "members_url": url,
            },
            language=language_of(recipient),
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
            _add_membership(join_request.user, join_request.organisation, role)
            join_request.role = role
        join_request.status = JoinStatus.APPROVED if approve else JoinStatus.REFUSED
        join_request.decided_by = by
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["status", "role", "decided_by", "decided_at", "updated_at"])
        person = join_request.user
        send_templated_mail(
            "accounts/mail/join_decision",
            to=[person.email],
            context={
                "organisation_name": join_request.organisation.name,
                "approved": approve,
                "role": join_request.get_role_display() if approve else "",
                "space_url": absolute_url(reverse("accounts:space")),
            },
            language=language_of(person),
        )
    return join_request


# --- Self sign-up, verification, deactivation ------------------------------------------------


def _may_mail(kind: str, user: User) -> bool:
    """False when `user` already got a `kind` mail in the last ACCOUNT_MAIL_INTERVAL seconds."""
    return cache.add(f"accounts:mail:{kind}:{user.pk}", True, timeout=ACCOUNT_MAIL_INTERVAL)


def _send_verification(user: User) -> None:
    link = reverse("accounts:verify_email", args=[uid_for(user), email_verification_token.make_token(user)])
    send_templated_mail(
        "accounts/mail/verify_email",
        to=[user.email],
        context={"first_name": user.first_name, "verify_url": absolute_url(link)},
        language=language_of(user),
    )


def sign_up(*, email: str, password: str, first_name: str, last_name: str, profile: str) -> Any | None:
    """Create an inactive account and mail the verification link; returns it (None when the
    address already had one).

    The page says the same whatever happens, so it never reveals whether an address has an
    account: an existing owner gets a mail saying so (with the password-reset link), and an
    unfinished sign-up gets its verification link again (its password is not changed).
    """
    if profile not in Profile.values:
        raise ValidationError(_("Profil inconnu."))
    email = normalise_email(email)
    with transaction.atomic():
        existing = selectors.find_user_by_email(email)
        if existing is not None:
            if (
                not existing.is_active
                and existing.email_verified_at is None
                and existing.deactivated_at is None
            ):
                if _may_mail("verify", existing):
                    _send_verification(existing)
            elif _may_mail("already_registered", existing):
                send_templated_mail(
                    "accounts/mail/already_registered",
                    to=[existing.email or email],
                    context={
                        "first_name": existing.first_name,
                        "deactivated": existing.deactivated_at is not None,
                        "login_url": absolute_url(reverse("accounts:login")),
                        "reset_url": absolute_url(reverse("accounts:password_reset")),
                    },
                    language=language_of(existing),
                )
            return None
        user = User(
            username=email,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            profile=profile,
            is_active=False,
            language=language_of(None),
        )
        user.set_password(password)
        user.save()
        _send_verification(user)
    return user


def resend_verification(user: User) -> None:
    """Mail the verification link again to an unfinished sign-up (nothing for other accounts)."""
    if not user.is_active and user.email_verified_at is None and user.deactivated_at is None:
        if _may_mail("verify", user):
            _send_verification(user)


def verify_email(*, user: User, token: str) -> bool:
    """Activate the account if `token` is its valid, unused verification token."""
    if user.deactivated_at is not None or not email_verification_token.check_token(user, token):
        return False
    user.is_active = True
    user.email_verified_at = timezone.now()
    user.save(update_fields=["is_active", "email_verified_at"])
    return True


def deactivate_account(*, user: User) -> None:
    """The person closes their account: it can no longer sign in, leaves its organisations and
    withdraws its pending join requests. The last admin of an organisation must hand over first."""
    lonely = selectors.sole_admin_organisations(user)
    if lonely:
        raise ValidationError(
            _("Vous êtes le seul administrateur de : %(names)s. Nommez d'abord un autre administrateur.")
            % {"names": ", ".join(o.name for o in lonely)}
        )
    with transaction.atomic():
        Membership.objects.filter(user=user).delete()
        JoinRequest.objects.filter(user=user, status=JoinStatus.PENDING).delete()
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.save(update_fields=["is_active", "deactivated_at"])
