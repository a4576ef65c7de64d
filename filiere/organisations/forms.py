"""Forms of the directory pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
