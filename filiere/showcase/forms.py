"""Forms of the showcase pages. Free text goes through the engine's cleaning (French errors)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.accounts.permissions import is_signed_in, organisation_ids_of
from filiere.organisations.models import Organisation

from . import ranking
from .models import ContactStatus, Frequency, Level, Sector

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer


def clean_text(value: str, *, max_chars: int) -> str:
    """Refuse binary or oversized text with the engine's French message."""
    if not value:
        return value
    try:
        ranking.clean_user_text(value, max_chars=max_chars)
    except ranking.UserTextError as exc:
        raise forms.ValidationError(str(exc)) from exc
    return value.strip()


class ProfileForm(forms.Form):
    pitch = forms.CharField(
        label=_("Présentation"), widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=5000
    )
    target_sectors = forms.ModelMultipleChoiceField(
        label=_("Secteurs visés"),
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_published = forms.BooleanField(label=_("Publier la vitrine"), required=False)

    def clean_pitch(self) -> str:
        return clean_text(self.cleaned_data["pitch"], max_chars=5000)


class DeclarationForm(forms.Form):
    skill = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.ChoiceField(label=_("Niveau"), choices=Level.choices, initial=Level.OPERATIONAL)
    people_count = forms.IntegerField(
        label=_("Personnes qui la maîtrisent"), min_value=0, max_value=100_000, initial=1
    )
    capacity_available_now = forms.IntegerField(
        label=_("Disponibles maintenant"), min_value=0, max_value=100_000, initial=0
    )
    available_from = forms.DateField(
        label=_("Disponibles à partir du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Précision"), required=False, max_length=500)

    def clean_note(self) -> str:
        return clean_text(self.cleaned_data["note"], max_chars=500)


class ReferenceForm(forms.Form):
    client = forms.CharField(label=_("Client"), max_length=200)
    year = forms.IntegerField(label=_("Année"), min_value=1950, max_value=2100, required=False)
    sector = forms.ModelChoiceField(label=_("Secteur"), queryset=Sector.objects.all(), required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def clean_description(self) -> str:
        return clean_text(self.cleaned_data["description"], max_chars=2000)


class CertificationForm(forms.Form):
    name = forms.CharField(label=_("Certification ou label"), max_length=200)
    issuer = forms.CharField(
        label=pgettext_lazy("certification issuer", "Organisme"), max_length=200, required=False
    )
    year = forms.IntegerField(label=_("Année"), min_value=1950, max_value=2100, required=False)


class ContactForm(forms.Form):
    subject = forms.CharField(label=_("Objet"), max_length=200)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    buyer_organisation = forms.ModelChoiceField(
        label=_("Au nom de"), queryset=None, required=False, empty_label=_("(à titre personnel)")
    )
    search_query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def __init__(self, *args: Any, user: Viewer = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        field = self.fields["buyer_organisation"]
        if is_signed_in(user):
            field.queryset = Organisation.objects.filter(pk__in=organisation_ids_of(user)).order_by("name")
        else:
            field.queryset = Organisation.objects.none()

    def clean_subject(self) -> str:
        return clean_text(self.cleaned_data["subject"], max_chars=200)

    def clean_message(self) -> str:
        return clean_text(self.cleaned_data["message"], max_chars=5000)


class ContactStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[c for c in ContactStatus.choices if c[0] != ContactStatus.SENT])
    answer = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    deal_amount = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)

    def clean_answer(self) -> str:
        return clean_text(self.cleaned_data["answer"], max_chars=5000)


class SaveSearchForm(forms.Form):
    name = forms.CharField(label=_("Nom de la recherche"), max_length=200, required=False)
    frequency = forms.ChoiceField(label=_("Alerte"), choices=Frequency.choices, initial=Frequency.WEEKLY)
