"""Forms of the training pages: search filters, course and session entry, import, reconversion."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from filiere.organisations.models import Organisation
from filiere.territories.models import Commune
from filiere.territories.selectors import region_list

from .importers import FORMACODE, FORMATS, normalise_certification
from .models import Course, Funding, Session, SessionStatus, TeachingMode
from .selectors import CourseFilters

CODE = re.compile(r"^[0-9AB]{2,3}$")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _clean_text(value: str) -> str:
    """Drop control characters (a NUL byte is refused by PostgreSQL) except newlines and tabs."""
    return "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32)


class CourseSearchForm(forms.Form):
    q = forms.CharField(label=_("Recherche"), max_length=300, required=False)
    region = forms.CharField(label=_("Région"), max_length=3, required=False)
    department = forms.CharField(label=_("Département (code)"), max_length=3, required=False)
    distance = forms.BooleanField(label=_("À distance uniquement"), required=False)
    funding = forms.ChoiceField(
        label=_("Financement"), choices=[("", _("Tous"))] + list(Funding.choices), required=False
    )
    certified = forms.BooleanField(label=_("Certifiantes (RNCP ou RS)"), required=False)
    start_after = forms.DateField(label=_("Début après le"), required=False, widget=DATE_WIDGET)
    start_before = forms.DateField(label=_("Début avant le"), required=False, widget=DATE_WIDGET)

    def clean_q(self) -> str:
        return _clean_text(self.cleaned_data["q"]).strip()

    def clean_region(self) -> str:
        value = self.cleaned_data["region"].strip().upper()
        if value and not CODE.match(value):
            raise ValidationError(_("Code de région inconnu."))
        return value

    def clean_department(self) -> str:
        value = self.cleaned_data["department"].strip().upper()
        if value and not CODE.match(value):
            raise ValidationError(_("Code de département inconnu (ex. 31, 2A, 974)."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        after, before = data.get("start_after"), data.get("start_before")
        if after and before and before < after:
            self.add_error("start_before", _("Cette date précède la date « Début après le »."))
        return data

    def filters(self) -> CourseFilters:
        """The validated filters; invalid fields are dropped (the page shows their errors)."""
        data = self.cleaned_data if self.is_bound else {}
        return CourseFilters(
            q=data.get("q") or "",
            region=data.get("region") or "",
            department=data.get("department") or "",
            distance=bool(data.get("distance")),
            funding=data.get("funding") or "",
            certified=bool(data.get("certified")),
            start_after=data.get("start_after"),
            start_before=data.get("start_before"),
        )


class CourseForm(forms.ModelForm):
    funding = forms.MultipleChoiceField(
        label=_("Financements possibles"),
        choices=Funding.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    formacode_codes = forms.CharField(
        label=_("Codes Formacode"),
        required=False,
        help_text=_("Codes de 5 chiffres séparés par des espaces, ex. 31054 31034."),
    )

    class Meta:
        model = Course
        fields = [
            "organisation",
            "title",
            "objectives",
            "description",
            "duration_hours",
            "certification_code",
            "certification_label",
            "formacode_codes",
            "funding",
            "teaching_mode",
            "is_published",
        ]
        widgets = {"teaching_mode": forms.Select(choices=TeachingMode.choices)}

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )
        if self.instance.pk:
            self.initial["formacode_codes"] = " ".join(self.instance.formacode_codes or [])

    def clean_title(self) -> str:
        value = _clean_text(self.cleaned_data["title"]).strip()
        if not value:
            raise ValidationError(_("L'intitulé est obligatoire."))
        return value

    def clean_objectives(self) -> str:
        return _clean_text(self.cleaned_data["objectives"])

    def clean_description(self) -> str:
        return _clean_text(self.cleaned_data["description"])

    def clean_certification_code(self) -> str:
        try:
            return normalise_certification(self.cleaned_data["certification_code"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_formacode_codes(self) -> list[str]:
        codes = [c for c in re.split(r"[\s,;]+", self.cleaned_data["formacode_codes"] or "") if c]
        bad = [c for c in codes if not FORMACODE.match(c)]
        if bad:
            raise ValidationError(
                _("Code Formacode invalide : %(codes)s (5 chiffres attendus).")
                % {"codes": ", ".join(bad)[:80]}
            )
        return codes

    def clean_duration_hours(self) -> int | None:
        value = self.cleaned_data["duration_hours"]
        if value is not None and value > 20_000:
            raise ValidationError(_("Durée hors limites (20 000 heures au plus)."))
        return value


class SessionForm(forms.ModelForm):
    commune_code = forms.CharField(
        label=_("Commune (code INSEE)"),
        max_length=5,
        required=False,
        help_text=_("Par exemple 31555 pour Toulouse. Laisser vide pour une session à distance."),
    )

    class Meta:
        model = Session
        fields = ["start_date", "end_date", "distance_learning", "places", "status"]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "status": forms.Select(choices=SessionStatus.choices),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commune = None
        if self.instance.pk and self.instance.commune_id:
            self.initial["commune_code"] = self.instance.commune_id

    def clean_places(self) -> int | None:
        value = self.cleaned_data.get("places")
        if value is not None and value < 0:
            raise ValidationError(_("Le nombre de places ne peut pas être négatif."))
        return value

    def clean_commune_code(self) -> str:

        code = self.cleaned_data["commune_code"].strip().upper()
        if code:
            self.commune = Commune.objects.filter(pk=code).first()
            if self.commune is None:
                raise ValidationError(_("Commune inconnue : %(code)s.") % {"code": code[:10]})
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fin précède le début."))
        if (
            not data.get("distance_learning")
            and not data.get("commune_code")
            and "commune_code" not in self.errors
        ):
            self.add_error("commune_code", _("Indiquez la commune, ou cochez « à distance »."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier"), help_text=_("LHÉO 2.x (XML) ou CSV, 50 Mo au plus."))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Deviner d'après l'extension"))] + [(f, f.upper()) for f in FORMATS],
        required=False,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("Fichier trop volumineux (50 Mo au plus) : utilisez la commande import_training.")
            )
        return upload


def _region_select(field: forms.Field) -> None:

    field.widget = forms.Select(choices=[("", _("Toutes"))] + [(r.code, r.name) for r in region_list()])


class ReconversionForm(forms.Form):
    occupation = forms.CharField(
        label=_("Métier menacé"),
        max_length=300,
        help_text=_("Code ROME (ex. I1602), URI d'un métier ESCO ou intitulé de poste."),
    )
    region = forms.CharField(label=_("Région"), max_length=3, required=False)
    only_in_demand = forms.BooleanField(label=_("Seulement les métiers du numérique"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _region_select(self.fields["region"])

    def clean_occupation(self) -> str:
        return _clean_text(self.cleaned_data["occupation"]).strip()

    def clean_region(self) -> str:
        value = self.cleaned_data["region"].strip()
        if value and not CODE.match(value):
            raise ValidationError(_("Code de région inconnu."))
        return value


class GroupForm(forms.Form):
    group = forms.CharField(
        label=_("Métiers et effectifs"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Une ligne par métier : code ROME ; nombre de personnes (ex. I1602;800)."),
    )
    region = forms.CharField(label=_("Région"), max_length=3, required=False)
    only_in_demand = forms.BooleanField(label=_("Seulement les métiers du numérique"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _region_select(self.fields["region"])

    def clean_group(self) -> list[tuple[str, int]]:
        from .reconversion import parse_group

        try:
            return parse_group(self.cleaned_data["group"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_region(self) -> str:
        value = self.cleaned_data["region"].strip()
        if value and not CODE.match(value):
            raise ValidationError(_("Code de région inconnu."))
        return value
