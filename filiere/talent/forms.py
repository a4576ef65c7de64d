"""Forms of the talent pages. They check shapes; services check the rules and raise the rest."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from filiere.organisations.models import Organisation
from filiere.taxonomy.selectors import appellation_by_label
from filiere.territories.models import name_search_key
from filiere.territories.selectors import commune_search

from .models import (
    ApplicationStatus,
    Contract,
    FileState,
    Gender,
    OfferStatus,
    OutcomeDelay,
    OutcomeStatus,
    RefusalReason,
)


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


class ApplicationMoveForm(forms.Form):
    """Move a job application: the statuses offered are those the person may move it to."""

    to_status = forms.ChoiceField(label=_("Nouveau statut"))
    refusal_reason = forms.ChoiceField(
        label=_("Motif du refus"), required=False, choices=[("", "—"), *RefusalReason.choices]
    )
    reason = forms.CharField(
        label=_("Commentaire (envoyé à la personne et à son conseiller)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, statuses: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any known status validates (the service names an illegal move clearly); the list
        # offers only the moves the person may make now.
        to_status = self.fields["to_status"]
        assert isinstance(to_status, forms.ChoiceField)
        to_status.choices = ApplicationStatus.choices
        to_status.widget.choices = [(s, ApplicationStatus(s).label) for s in statuses]
        if ApplicationStatus.REFUSED not in statuses:
            del self.fields["refusal_reason"]


class OutcomeForm(forms.Form):
    months = forms.TypedChoiceField(label=_("Échéance"), choices=OutcomeDelay.choices, coerce=int)
    status = forms.ChoiceField(label=_("Situation"), choices=OutcomeStatus.choices)
    observed_on = forms.DateField(label=_("Constatée le"), widget=DateInput(), input_formats=DATE_FORMATS)


def _codes(value: str) -> list[str]:
    return [c for c in value.replace(";", ",").replace(" ", ",").split(",") if c]


# -- pickers: a name or a code, with suggestions ------------------------------------------------

# "Strasbourg (67482)", "Développeur / Développeuse web (38971)": what the suggestions give.
_CODE_IN_PARENTHESES = re.compile(r"\(([0-9A-Za-z]{1,10})\)\s*$")


class SuggestInput(forms.TextInput):
    """A text input that suggests values as one types (HTMX fills a <datalist> from `url_name`).
    Without JavaScript it is a plain text field: the form field accepts a name or a code."""

    template_name = "talent/widgets/suggest.html"

    def __init__(self, url_name: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.url_name = url_name

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["suggest_url"] = reverse(self.url_name)
        return context


def commune_choice(commune: Any) -> str:
    """How a commune reads in the picker and its suggestions: "Strasbourg (67482)"."""
    return f"{commune.name} ({commune.code})"


class CommuneField(forms.CharField):
    """A commune by its name or its INSEE code; cleans to the code (the service checks it exists)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", _("Tapez son nom et choisissez dans la liste, ou son code INSEE."))
        super().__init__(widget=SuggestInput("talent:suggest_communes"), **kwargs)

    def clean(self, value: Any) -> str:
        value = (super().clean(value) or "").strip()
        if not value:
            return ""
        in_parentheses = _CODE_IN_PARENTHESES.search(value)
        if in_parentheses:
            return in_parentheses.group(1).upper()
        if value[:1].isdigit() or value[:2].upper() in {"2A", "2B"}:
            return value.upper()
        key = name_search_key(value)
        same = [c for c in commune_search(query=value, limit=100) if c.search_name == key]
        current = [c for c in same if c.kind == "commune-actuelle"] or same
        if len(current) == 1:
            return current[0].code
        if current:
            raise ValidationError(
                _("Plusieurs communes s'appellent « %(name)s » : choisissez-la dans la liste, ou donnez son code INSEE (%(codes)s).")
                % {"name": value[:60], "codes": ", ".join(f"{c.code} dans le {c.department_id}" for c in current[:4])}
            )  # fmt: skip
        raise ValidationError(
            _("Commune inconnue : « %(name)s ». Tapez son nom et choisissez-la dans la liste, ou donnez son code INSEE.")
            % {"name": value[:60]}
        )  # fmt: skip


def appellation_choice(code: str, label: str) -> str:
    """How a ROME appellation reads in the picker: "Développeur / Développeuse web (38971)"."""
    return f"{label} ({code})"


class AppellationsField(forms.CharField):
    """ROME appellations by their labels (separated by « ; ») or OGR codes; cleans to the codes,
    comma-separated (the service checks they exist). `many=False`: one appellation."""

    def __init__(self, *, many: bool = True, **kwargs: Any) -> None:
        self.many = many
        kwargs.setdefault("max_length", 2000)
        super().__init__(widget=SuggestInput("talent:suggest_appellations"), **kwargs)

    def clean(self, value: Any) -> str:
        value = (super().clean(value) or "").strip()
        parts = [p.strip() for p in value.split(";")] if self.many else [value]
        codes: list[str] = []
        unknown: list[str] = []
        for part in filter(None, parts):
            in_parentheses = _CODE_IN_PARENTHESES.search(part)
            if in_parentheses:
                codes.append(in_parentheses.group(1))
            elif re.fullmatch(r"[0-9 ,]+", part):
                codes.extend(_codes(part))
            else:
                found = appellation_by_label(part)
                if len(found) == 1:
                    codes.append(found[0][0])
                else:
                    unknown.append(part[:60])
        if unknown:
            raise ValidationError(
                _("Métier introuvable : %(labels)s. Tapez le début de l'intitulé et choisissez dans la liste, ou donnez le code OGR.")
                % {"labels": ", ".join(f"« {u} »" for u in unknown[:5])}
            )  # fmt: skip
        if not self.many and len(codes) > 1:
            raise ValidationError(_("Un seul métier ici."))
        return ",".join(dict.fromkeys(codes))


class SeekerForm(forms.Form):
    #: The service's names of the fields this form names differently (`core.forms.run_service`).
    SERVICE_FIELDS = {
        "wished_appellation_codes": "wished_appellations",
        "wished_metier_codes": "wished_metiers",
        "commune": "commune_code",
    }

    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    email = forms.EmailField(label=_("Courriel"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    gender = forms.ChoiceField(label=_("Genre"), choices=Gender.choices)
    birth_year = forms.IntegerField(
        label=_("Année de naissance"), required=False, min_value=1900, max_value=2100
    )
    commune_code = CommuneField(label=_("Commune"), required=False)
    previous_occupation = forms.CharField(label=_("Métier précédent"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Parcours et compétences (CV)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    wished_appellations = AppellationsField(
        label=_("Métiers recherchés"),
        required=False,
        help_text=_(
            "Tapez le début d'un intitulé et choisissez dans la liste ; plusieurs métiers séparés par « ; »."
        ),
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


class OfferForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    commune_code = CommuneField(label=_("Commune"), required=False)
    contract = forms.ChoiceField(label=_("Contrat"), choices=Contract.choices)
    positions = forms.IntegerField(label=_("Postes"), min_value=1, max_value=1000, initial=1)
    rome_appellation = AppellationsField(
        many=False,
        label=_("Métier (appellation ROME, facultatif)"),
        required=False,
        help_text=_("Tapez le début de l'intitulé et choisissez dans la liste."),
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
            "commune_code": commune_choice(offer.commune) if offer.commune_id else "",
            "contract": offer.contract,
            "positions": offer.positions,
            "rome_appellation": appellation_choice(
                offer.rome_appellation.code_ogr, offer.rome_appellation.label
            )
            if offer.rome_appellation
            else "",
            "status": offer.status,
        }


class ApplyForm(forms.Form):
    seeker = forms.TypedChoiceField(label=_("Candidat"), coerce=int)
    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, seekers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seeker"].choices = [(s.pk, str(s)) for s in seekers]
