"""Forms of the events app: an event (organiser's staff), a registration, a ticket code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filiere.organisations.models import Organisation
from filiere.territories.models import Commune, CommuneKind, name_search_key

from . import selectors
from .models import Event

MAX_PARTNERS = 30
MAX_OFFER_HOURS = 14 * 24


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.ModelForm):
    organiser = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=gettext_lazy("Organisateur")
    )
    commune_name = forms.CharField(
        label=gettext_lazy("Commune"),
        required=False,
        help_text=gettext_lazy("Nom ou code INSEE, par exemple « Chalon-sur-Saône » ou 71076."),
    )
    themes_text = forms.CharField(
        label=gettext_lazy("Thèmes"), required=False, help_text=gettext_lazy("Séparés par des virgules.")
    )
    partners_text = forms.CharField(
        label=gettext_lazy("Partenaires"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Un nom d'organisation de l'annuaire (ou un SIREN) par ligne."),
    )

    class Meta:
        model = Event
        fields = [
            "title", "kind", "description", "starts_at", "ends_at", "venue", "online_url", "capacity",
            "audience", "offer_hours", "is_published",
        ]  # fmt: skip
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    online_url = forms.URLField(
        label=gettext_lazy("Lien en ligne"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Communiqué aux seuls inscrits confirmés."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organiser = self.fields["organiser"]
        assert isinstance(organiser, forms.ModelChoiceField)
        organiser.queryset = selectors.organisations_for_events(user)
        if self.instance.pk:
            del self.fields["organiser"]
            if self.instance.commune_id:
                self.fields["commune_name"].initial = self.instance.commune.name
            self.fields["themes_text"].initial = ", ".join(self.instance.themes or [])
            self.fields["partners_text"].initial = "\n".join(p.name for p in self.instance.partners.all())

    def clean_commune_name(self) -> Commune | None:
        text = self.cleaned_data["commune_name"].strip()
        if not text:
            return None
        communes = Commune.objects.filter(kind=CommuneKind.CURRENT)
        if text.isdigit() or (len(text) == 5 and text[:2].upper() in ("2A", "2B")):
            found = list(communes.filter(insee_code=text.upper())[:2])
        else:
            found = list(communes.filter(search_name=name_search_key(text))[:10])
        if not found:
            raise forms.ValidationError(_("Commune inconnue : « %(text)s ».") % {"text": text})
        if len(found) > 1:
            options = ", ".join(f"{c.name} ({c.insee_code})" for c in found)
            raise forms.ValidationError(
                _("Plusieurs communes portent ce nom, indiquez le code INSEE : %(options)s.")
                % {"options": options}
            )
        return found[0]

    def clean_offer_hours(self) -> int:
        hours = self.cleaned_data["offer_hours"]
        if not 1 <= hours <= MAX_OFFER_HOURS:
            raise forms.ValidationError(_("Entre 1 et %(n)d heures.") % {"n": MAX_OFFER_HOURS})
        return int(hours)

    def clean_themes_text(self) -> list[str]:
        themes = [t.strip() for t in self.cleaned_data["themes_text"].split(",")]
        return list(dict.fromkeys(t[:60] for t in themes if t))

    def clean_partners_text(self) -> list[Organisation]:
        lines = [line.strip() for line in self.cleaned_data["partners_text"].splitlines() if line.strip()]
        if len(lines) > MAX_PARTNERS:
            raise forms.ValidationError(_("Au plus %(n)d partenaires.") % {"n": MAX_PARTNERS})
        partners, unknown = [], []
        for number, line in enumerate(lines, start=1):
            if line.isdigit() and len(line) == 9:
                found = Organisation.objects.filter(siren=line).first()
            else:
                found = Organisation.objects.filter(name__iexact=line).order_by("pk").first()
            if found is None:
                unknown.append(_("ligne %(n)d : « %(name)s »") % {"n": number, "name": line})
            else:
                partners.append(found)
        if unknown:
            raise forms.ValidationError(
                _("Organisations introuvables dans l'annuaire : %(list)s.") % {"list": " ; ".join(unknown)}
            )
        return partners

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["commune"] = self.cleaned_data["commune_name"]
        data["themes"] = self.cleaned_data["themes_text"]
        data["partners"] = self.cleaned_data["partners_text"]
        return data


class RegistrationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=gettext_lazy("Au nom de"),
        empty_label=gettext_lazy("Aucune organisation (à titre personnel)"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = selectors.firms_for_registration(user)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code du billet"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
    )
