"""Forms of the needs app: campaign, contact import, the survey (one row per need) and gap filters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filiere.accounts.permissions import is_platform_staff, memberships_of
from filiere.needs.models import MAX_PEOPLE_PER_LINE, Campaign, ContractType, Difficulty, Horizon
from filiere.needs.services import MAX_LINES, NeedInput
from filiere.territories.models import EPCI, Department, Region

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "title",
            "introduction",
            "region",
            "scope",
            "department",
            "epci",
            "cluster",
            "digital_only",
            "owner",
            "opens_on",
            "closes_on",
            "reminder_after_days",
            "results_public",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "introduction": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from filiere.needs import selectors

        clusters = selectors.runnable_clusters(user)
        if is_platform_staff(user):
            region_qs = Region.objects.all()
        else:
            region_qs = Region.objects.filter(code__in=selectors.creatable_regions(user))
        self.fields["region"].queryset = region_qs
        if not self.instance.pk and len(regions := list(region_qs[:2])) == 1:
            self.fields["region"].initial = regions[0].pk
        self.fields["department"].queryset = Department.objects.filter(region__in=region_qs)
        self.fields["epci"].queryset = EPCI.objects.filter(communes__region__in=region_qs).distinct()
        self.fields["cluster"].queryset = clusters
        owners = [m.organisation_id for m in memberships_of(user) if m.role in ("editor", "admin")]
        self.fields["owner"].queryset = clusters.model.objects.filter(pk__in=owners)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Vide : l'enquête est conduite par la région.")
        if self.instance.pk and self.instance.status != "draft":
            for name in ("region", "scope", "department", "epci", "cluster", "digital_only"):
                self.fields[name].disabled = True


class ContactsImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV des contacts"),
        help_text=_("Deux colonnes : SIREN ou SIRET, puis adresse e-mail (séparateur ; ou ,)."),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Fichier trop lourd (5 Mo au plus)."))
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" in text:
                break
            return text
        raise forms.ValidationError(_("Ce fichier n'est pas un CSV lisible (texte UTF-8 ou Windows-1252)."))


class NeedLineForm(forms.Form):
    """One need. A row left entirely empty is ignored; a started row must be complete."""

    text = forms.CharField(
        label=_("Compétence ou métier recherché"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("ex. : développeur Python, cybersécurité, chef de projet")}
        ),
    )
    choice = forms.CharField(required=False, max_length=300)
    checked_text = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    people = forms.IntegerField(
        label=_("Nombre de personnes"),
        min_value=1,
        max_value=MAX_PEOPLE_PER_LINE,
        required=False,
        error_messages={
            "min_value": _("Au moins 1 personne."),
            "max_value": _("%(limit_value)s personnes au plus par ligne."),
            "invalid": _("Un nombre entier, sans lettres."),
        },
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_PEOPLE_PER_LINE, "inputmode": "numeric"}),
    )
    horizon = forms.ChoiceField(label=_("Horizon"), choices=[("", "—"), *Horizon.choices], required=False)
    difficulty = forms.TypedChoiceField(
        label=_("Difficulté à recruter ou former"),
        choices=[("", "—"), *Difficulty.choices],
        coerce=int,
        required=False,
    )
    contract_types = forms.MultipleChoiceField(
        label=_("Contrats envisagés"),
        choices=ContractType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("text") or "").strip() and not data.get("people") and not data.get("horizon")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.is_blank():
            return data
        if not (data.get("text") or "").strip():
            self.add_error("text", _("Décrivez le besoin (compétence ou métier)."))
        if data.get("people") is None and "people" not in self.errors:
            self.add_error("people", _("Indiquez le nombre de personnes."))
        if not data.get("horizon"):
            self.add_error("horizon", _("Choisissez un horizon."))
        if data.get("difficulty") in (None, ""):
            self.add_error("difficulty", _("Choisissez une difficulté."))
        return data

    def needs_confirmation(self) -> bool:
        """The engine's reading of this row has not been shown for its current text."""
        data = self.cleaned_data
        return (
            bool((data.get("text") or "").strip())
            and (data.get("checked_text") or "") != data["text"].strip()
        )

    def as_input(self) -> NeedInput:
        data = self.cleaned_data
        return NeedInput(
            text=data["text"].strip(),
            choice=data.get("choice") or "text",
            people=data["people"],
            horizon=data["horizon"],
            difficulty=data["difficulty"],
            contract_types=list(data.get("contract_types") or []),
        )


NeedLineFormSet = forms.formset_factory(NeedLineForm, extra=0, max_num=MAX_LINES, absolute_max=MAX_LINES)


class AnswerForm(forms.Form):
    respondent_name = forms.CharField(label=_("Votre nom"), max_length=120, required=False)
    respondent_role = forms.CharField(label=_("Votre fonction"), max_length=120, required=False)
    headcount = forms.IntegerField(
        label=_("Effectif actuel de l'entreprise"),
        min_value=0,
        max_value=100_000,
        required=False,
        error_messages={"invalid": _("Un nombre entier, sans lettres.")},
    )
    no_needs = forms.BooleanField(label=_("Aucun besoin à signaler pour l'instant"), required=False)
    comments = forms.CharField(
        label=_("Commentaires"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Difficultés de recrutement, formations souhaitées, remarques…"),
    )


class GapFiltersForm(forms.Form):
    campaign = forms.TypedChoiceField(label=_("Campagne"), coerce=int, required=False)
    department = forms.ChoiceField(label=_("Département"), required=False)
    horizon = forms.MultipleChoiceField(
        label=_("Horizon"), choices=Horizon.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, campaigns: list[Campaign], departments: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.pk, f"{c.title} ({c.region.name})") for c in campaigns]
        self.fields["department"].choices = [("", _("Tous"))] + [
            (code, f"{name} ({code})") for code, name in departments
        ]
