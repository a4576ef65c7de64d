"""Forms of the directory pages and of membership administration."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filiere.accounts.models import Role

from .models import Organisation


class TagsField(forms.CharField):
    """Comma-separated keywords <-> a list of strings."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value) or ""
        tags: list[str] = []
        for part in text.split(","):
            part = part.strip()
            if part and part not in tags:
                tags.append(part[:60])
        return tags[:30]


class OrganisationEditForm(forms.Form):
    """The public profile fields people edit (a plain Form: the service applies the changes,
    so it can tell which fields changed)."""

    name = forms.CharField(label=_("Nom"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")
    tags = TagsField(
        label=_("Mots-clés"), required=False, help_text=_("Séparés par des virgules."), max_length=2000
    )

    @classmethod
    def for_organisation(cls, organisation: Organisation, data: Any = None) -> OrganisationEditForm:
        """The form bound to `data`, or unbound with the organisation's current values."""
        initial = {
            "name": organisation.name,
            "description": organisation.description,
            "website": organisation.website,
            "tags": organisation.tags or [],
        }
        return cls(data=data, initial=initial)


# --- Membership administration ----------------------------------------------------------------


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de la personne"), max_length=254)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message aux administrateurs (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Dites qui vous êtes et votre rôle dans l'organisation."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Accepter")), ("refuse", _("Refuser"))])
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, required=False, initial=Role.MEMBER)
