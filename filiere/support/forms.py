"""Forms of the support app: catalogue filters, a firm's SIRET and need, a service, the surveys."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from filiere.organisations.models import HeadcountBand, Kind, Organisation
from filiere.territories.models import Department, Region

from .models import Outcome, Service, Theme


def regions() -> list[tuple[str, Any]]:
    return [("", _("Toutes"))] + list(Region.objects.order_by("name").values_list("code", "name"))


def _departments() -> list[tuple[str, Any]]:
    return [("", _("Tous"))] + [
        (code, f"{name} ({code})")
        for code, name in Department.objects.order_by("code").values_list("code", "name")
    ]


class CatalogueForm(forms.Form):
    q = forms.CharField(label=_("Votre besoin, en quelques mots"), required=False, max_length=500)
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    region = forms.ChoiceField(label=_("Région"), required=False)
    department = forms.ChoiceField(label=_("Département"), required=False)
    aid = forms.BooleanField(label=_("Dispositifs d'aide régionaux seulement"), required=False)
    free = forms.BooleanField(label=_("Gratuits seulement"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["theme"]).choices = [("", _("Tous")), *Theme.choices]
        cast(forms.ChoiceField, self.fields["region"]).choices = regions()
        cast(forms.ChoiceField, self.fields["department"]).choices = _departments()


class SiretForm(forms.Form):
    siret = forms.CharField(
        label=_("SIRET de l'établissement"),
        max_length=40,
        help_text=_("14 chiffres, sur l'avis de situation SIRENE ou une facture."),
    )


class NeedForm(forms.Form):
    siret = forms.CharField(label=_("SIRET de l'établissement"), max_length=40)
    description = forms.CharField(
        label=_("Votre besoin"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Décrivez votre projet ou votre difficulté en quelques phrases, avec vos mots."),
    )
    contact_name = forms.CharField(label=_("Votre nom"), max_length=120, required=False)
    contact_email = forms.EmailField(label=_("Votre courriel"))


def _codes(value: str, pattern: str, label: Any) -> list[str]:
    codes = [c for c in re.split(r"[\s,;]+", value or "") if c]
    bad = [c for c in codes if not re.fullmatch(pattern, c)]
    if bad:
        raise forms.ValidationError(
            _("Codes non reconnus (%(label)s) : %(codes)s") % {"label": label, "codes": ", ".join(bad[:5])}
        )
    return list(dict.fromkeys(codes))


class ServiceForm(forms.ModelForm):
    """A provider's service; code lists are typed separated by commas."""

    naf_text = forms.CharField(
        label=_("Codes NAF visés (débuts de code)"),
        required=False,
        help_text=_("Par exemple : 62, 63.1 ; vide : toutes les activités."),
    )
    headcount = forms.MultipleChoiceField(
        label=_("Tranches d'effectif éligibles"),
        required=False,
        choices=HeadcountBand.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune : toutes les tailles."),
    )
    regions_text = forms.CharField(
        label=_("Régions couvertes (codes)"), required=False, help_text=_("Par exemple : 27")
    )
    departments_text = forms.CharField(
        label=_("Départements couverts (codes)"), required=False, help_text=_("Par exemple : 21, 25, 71")
    )
    epcis_text = forms.CharField(
        label=_("Intercommunalités couvertes (SIREN)"),
        required=False,
        help_text=_("Aucun territoire : couverture nationale."),
    )
    url = forms.URLField(label=_("page de présentation"), required=False, assume_scheme="https")
    funders = forms.ModelMultipleChoiceField(
        label=_("Financeurs"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Service
        fields = [
            "title", "summary", "description", "theme", "stage", "max_age_years", "is_free", "cost",
            "is_regional_aid_scheme", "contact_name", "contact_email", "contact_phone", "url", "is_published",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["funders"]).queryset = Organisation.objects.filter(
            kind__in=(Kind.PUBLIC_BODY, Kind.INVESTOR, Kind.CLUSTER)
        ).order_by("name")
        service = self.instance
        if service.pk:
            self.fields["naf_text"].initial = ", ".join(service.naf_prefixes)
            self.fields["headcount"].initial = service.headcount_bands
            self.fields["regions_text"].initial = ", ".join(service.region_codes)
            self.fields["departments_text"].initial = ", ".join(service.department_codes)
            self.fields["epcis_text"].initial = ", ".join(service.epci_codes)
            self.fields["funders"].initial = list(service.funders.values_list("pk", flat=True))

    def clean_naf_text(self) -> list[str]:
        return _codes(self.cleaned_data["naf_text"].upper(), r"\d{2}(\.?\d{0,2}[A-Z]?)?", "NAF")

    def clean_regions_text(self) -> list[str]:
        codes = _codes(self.cleaned_data["regions_text"], r"\d{2,3}", _("régions"))
        unknown = set(codes) - set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
        if unknown:
            raise forms.ValidationError(
                _("Régions inconnues : %(codes)s") % {"codes": ", ".join(sorted(unknown))}
            )
        return codes

    def clean_departments_text(self) -> list[str]:
        codes = _codes(self.cleaned_data["departments_text"].upper(), r"\d[\dAB]\d?", _("départements"))
        unknown = set(codes) - set(Department.objects.filter(code__in=codes).values_list("code", flat=True))
        if unknown:
            raise forms.ValidationError(
                _("Départements inconnus : %(codes)s") % {"codes": ", ".join(sorted(unknown))}
            )
        return codes

    def clean_epcis_text(self) -> list[str]:
        return _codes(self.cleaned_data["epcis_text"], r"\d{9}", "EPCI")

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data.update(
            naf_prefixes=self.cleaned_data["naf_text"],
            headcount_bands=list(self.cleaned_data["headcount"]),
            region_codes=self.cleaned_data["regions_text"],
            department_codes=self.cleaned_data["departments_text"],
            epci_codes=self.cleaned_data["epcis_text"],
        )
        return data


class SatisfactionForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Êtes-vous satisfait de l'accompagnement ? (1 : pas du tout, 5 : tout à fait)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Un commentaire ?"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Six mois après, votre projet a-t-il abouti ?"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Un commentaire ?"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
