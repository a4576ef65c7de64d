"""Writes of the accounts app: accepting an invitation, memberships, self sign-up, e-mail
verification and deactivation (an organisation's admins invite, change roles and decide join
requests through `organisations.services`).

Every service checks its preconditions and raises `PermissionDenied` (not allowed) or
`ValidationError` (a French message for the person); the mails go through `core.mail`, queued
after the transaction commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from filiere.core.mail import absolute_url, send_templated_mail

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
ROLE_RANK: dict[str, int] = {Role.MEMBER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


def normalise_email(email: str) -> str:
    """The form an address is stored and compared in: trimmed, lowercased."""
    return (email or "").strip().lower()


def language_of(user: User | None) -> str:
    """The language to write to `user` in: theirs if known, else the current one."""
    return (getattr(user, "language", "") or translation.get_language() or "fr")[:2]


# --- Invitations ----------------------------------------------------------------------------


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


def add_membership(user: User, organisation: Any, role: str) -> Membership:
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
        membership = add_membership(user, invitation.organisation, invitation.role)
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
