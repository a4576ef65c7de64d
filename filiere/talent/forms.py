"""Forms of the talent pages. They check shapes; services check the rules and raise the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from filiere.organisations.models import Organisation

from .models import Contract, FileState, Gender, OfferStatus, OutcomeDelay, OutcomeStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Nom de la promotion"), max_length=120)
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    start_date = forms.DateField(
        label=_("Début de la formation"), widget=DateInput(), input_formats=DATE_FORMATS
    )
    end_date = forms.DateField(label=_("Fin de la formation"), widget=DateInput(), input_formats=DATE_FORMATS)
    places = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=10000,
        error_messages={"min_value": _("Le nombre de places doit être un entier positif.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fin de la formation ne peut pas précéder son début."))
        return data


class OpenFileForm(forms.Form):
    seeker = forms.TypedChoiceField(label=_("Personne"), coerce=int)

    def __init__(self, *args: Any, seekers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seeker"].choices = [(s.pk, str(s)) for s in seekers]


class MoveForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Nouvel état"))
    on = forms.DateField(label=_("Date"), widget=DateInput(), input_formats=DATE_FORMATS, required=False)
    reason = forms.CharField(
        label=_("Motif / commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, next_states: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = [(s, FileState(s).label) for s in next_states]


class OutcomeForm(forms.Form):
    months = forms.TypedChoiceField(label=_("Échéance"), choices=OutcomeDelay.choices, coerce=int)
    status = forms.ChoiceField(label=_("Situation"), choices=OutcomeStatus.choices)
    observed_on = forms.DateField(label=_("Constatée le"), widget=DateInput(), input_formats=DATE_FORMATS)


def _codes(value: str) -> list[str]:
    return [c for c in value.replace(";", ",").replace(" ", ",").split(",") if c]


class SeekerForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    email = forms.EmailField(label=_("Courriel"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    gender = forms.ChoiceField(label=_("Genre"), choices=Gender.choices)
    birth_year = forms.IntegerField(
        label=_("Année de naissance"), required=False, min_value=1900, max_value=2100
    )
    commune_code = forms.CharField(label=_("Code INSEE de la commune"), max_length=8, required=False)
    previous_occupation = forms.CharField(label=_("Métier précédent"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Parcours et compétences (CV)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    wished_appellations = forms.CharField(
        label=_("Métiers recherchés : codes OGR des appellations ROME"),
        required=False,
        help_text=_("Séparés par des virgules, ex. 38971, 10436."),
    )
    wished_metiers = forms.CharField(
        label=_("Fiches métiers ROME recherchées"),
        required=False,
        help_text=_("Séparées par des virgules, ex. M1805."),
    )
    mobility_radius_km = forms.IntegerField(
        label=_("Rayon de mobilité (km)"), required=False, min_value=0, max_value=1000
    )
    mobility_departments = forms.CharField(
        label=_("Autres départements acceptés"), required=False, help_text=_("Ex. 67, 68, 57.")
    )
    contract_wishes = forms.MultipleChoiceField(
        label=_("Contrats souhaités"),
        choices=Contract.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    available_from = forms.DateField(
        label=_("Disponible à partir du"), required=False, widget=DateInput(), input_formats=DATE_FORMATS
    )

    def __init__(self, *args: Any, structures: list[Any] | None = None, **kwargs: Any) -> None:
        """With several `structures` (platform staff), the one that follows the person, among those."""
        super().__init__(*args, **kwargs)
        if structures is not None and len(structures) > 1:
            self.fields = {
                "structure": forms.ModelChoiceField(
                    label=_("Structure qui accompagne la personne"),
                    queryset=Organisation.objects.filter(pk__in=[o.pk for o in structures]).order_by("name"),
                ),
                **self.fields,
            }

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "first_name": d["first_name"],
            "last_name": d["last_name"],
            "email": d.get("email") or "",
            "phone": d.get("phone") or "",
            "gender": d["gender"],
            "birth_year": d.get("birth_year"),
            "summary": d.get("summary") or "",
            "previous_occupation": d.get("previous_occupation") or "",
            "mobility_radius_km": d.get("mobility_radius_km"),
            "available_from": d.get("available_from"),
            "commune_code": d.get("commune_code") or "",
            "wished_appellation_codes": _codes(d.get("wished_appellations") or ""),
            "wished_metier_codes": _codes(d.get("wished_metiers") or ""),
            "mobility_departments": _codes(d.get("mobility_departments") or ""),
            "contract_wishes": d.get("contract_wishes") or [],
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        mapping = {
            "wished_appellation_codes": "wished_appellations",
            "wished_metier_codes": "wished_metiers",
            "commune": "commune_code",
        }
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                name = mapping.get(name, name)
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


class OfferForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    commune_code = forms.CharField(label=_("Code INSEE de la commune"), max_length=8, required=False)
    contract = forms.ChoiceField(label=_("Contrat"), choices=Contract.choices)
    positions = forms.IntegerField(label=_("Postes"), min_value=1, max_value=1000, initial=1)
    rome_appellation = forms.CharField(
        label=_("Appellation ROME (code OGR, facultatif)"), max_length=10, required=False
    )

    def __init__(self, *args: Any, organisations: list[Any] | None = None, **kwargs: Any) -> None:
        """With `organisations` (a new offer), the company it is published for, among those."""
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields = {
                "organisation": forms.ModelChoiceField(
                    label=_("Entreprise"),
                    queryset=Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by(
                        "name"
                    ),
                    initial=organisations[0].pk if len(organisations) == 1 else None,
                ),
                **self.fields,
            }


class OfferEditForm(OfferForm):
    """The offer form of an existing offer: its status too (pourvue, fermée: no longer proposed)."""

    status = forms.ChoiceField(label=_("Statut"), choices=OfferStatus.choices)

    @classmethod
    def initial_for(cls, offer: Any) -> dict[str, Any]:
        return {
            "title": offer.title,
            "description": offer.description,
            "commune_code": offer.commune_id or "",
            "contract": offer.contract,
            "positions": offer.positions,
            "rome_appellation": offer.rome_appellation.code_ogr if offer.rome_appellation else "",
            "status": offer.status,
        }


class ApplyForm(forms.Form):
    seeker = forms.TypedChoiceField(label=_("Candidat"), coerce=int)
    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, seekers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seeker"].choices = [(s.pk, str(s)) for s in seekers]
