"""Signed, expiring tokens for the e-mail verification link of a self sign-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

if TYPE_CHECKING:
    from .permissions import User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Like the password-reset token (HMAC of the user's state, valid PASSWORD_RESET_TIMEOUT,
    three days by default), with its own salt; it hashes `email_verified_at` and `is_active`,
    so a link stops working once used."""

    key_salt = "filiere.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        verified = "" if user.email_verified_at is None else user.email_verified_at.replace(microsecond=0)
        return f"{user.pk}{user.email}{verified}{user.is_active}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def uid_for(user: User) -> str:
    """The user's id as used in links (base64, like Django's password reset)."""
    return urlsafe_base64_encode(force_bytes(user.pk))
