"""Forms of the account pages: login by e-mail, sign-up, invitations, members, password reset."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.mail import absolute_url, send_templated_mail

from . import selectors
from .models import Profile, User

if TYPE_CHECKING:
    from .permissions import Viewer


class EmailAuthenticationForm(AuthenticationForm):
    """Login with the e-mail address (older accounts may still type their username).

    The field keeps Django's name `username`, which django-axes reads to count failures.
    """

    username = forms.CharField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean(self) -> dict[str, Any]:
        typed = (self.cleaned_data.get("username") or "").strip()
        if "@" in typed:
            user = selectors.find_user_by_email(typed)
            if user is not None:
                self.cleaned_data["username"] = user.username
        try:
            return super().clean()
        except forms.ValidationError:
            self._explain_unverified()
            raise

    def _explain_unverified(self) -> None:
        """Someone who knows the password of a sign-up never confirmed is told why, and gets
        the link again (the password proves it is them: nothing is revealed to others)."""
        from . import services

        user = selectors.find_user_by_email(self.cleaned_data.get("username") or "")
        password = self.cleaned_data.get("password") or ""
        if user is None or user.is_active or user.deactivated_at or user.email_verified_at:
            return
        if not user.check_password(password):
            return
        services.resend_verification(user)
        raise forms.ValidationError(
            _(
                "Votre adresse n'est pas encore confirmée : nous venons de vous renvoyer le lien de "
                "confirmation par courriel."
            ),
            code="unverified",
        )


class PasswordFieldsMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 8 caractères, pas uniquement des chiffres, pas un mot de passe courant."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def _password_user(self) -> User:
        return User(
            email=self.cleaned_data.get("email", ""),
            first_name=self.cleaned_data.get("first_name", ""),
            last_name=self.cleaned_data.get("last_name", ""),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif first:
            try:
                password_validation.validate_password(first, self._password_user())
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignUpForm(PasswordFieldsMixin):
    email = forms.EmailField(
        label=_("Adresse e-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=pgettext_lazy("last name", "Nom"), max_length=150)
    profile = forms.ChoiceField(
        label=_("Vous venez sur la plateforme en tant que"), choices=Profile.choices, widget=forms.RadioSelect
    )
    field_order = ["email", "first_name", "last_name", "profile", "password1", "password2"]


class InvitedAccountForm(PasswordFieldsMixin):
    """A newcomer accepting an invitation: name and password (the address is the invited one)."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=pgettext_lazy("last name", "Nom"), max_length=150)
    field_order = ["first_name", "last_name", "password1", "password2"]

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def _password_user(self) -> User:
        user = super()._password_user()
        user.email = self.email
        return user


class DeactivateForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Mot de passe incorrect."))
        return password


class FilierePasswordResetForm(PasswordResetForm):
    """Django's reset form, with the mail in our templates, in the person's language, with a
    link on SITE_URL (not the request's host), queued through `core.mail` after commit."""

    email = forms.EmailField(
        label=_("Adresse e-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from .services import language_of

        user = context["user"]
        link = reverse("accounts:password_reset_confirm", args=[context["uid"], context["token"]])
        send_templated_mail(
            "accounts/mail/password_reset",
            to=[to_email],
            context={"first_name": user.first_name, "reset_url": absolute_url(link)},
            language=language_of(user),
        )
