"""Forms of the governance app (the services check the rights and the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filiere.organisations.models import College, HeadcountBand, Kind, Organisation

from .models import FeeBasis, FundingStatus, MemberContact, PaymentMethod


class ApplyForm(forms.Form):
    college: forms.ModelChoiceField[College] = forms.ModelChoiceField(
        queryset=College.objects.none(), label=_("Collège")
    )
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Au nom de"),
        empty_label=_("Moi-même (adhésion individuelle)"),
    )
    headcount = forms.IntegerField(label=_("Effectif salarié"), required=False, min_value=0)
    turnover = forms.DecimalField(
        label=_("Chiffre d'affaires annuel (€)"), required=False, min_value=0, decimal_places=0
    )

    def __init__(self, *args: Any, colleges: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = colleges  # type: ignore[attr-defined]
        self.fields["college"].label_from_instance = lambda college: college.name  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class ContactForm(forms.ModelForm):
    class Meta:
        model = MemberContact
        fields = ["name", "email", "phone", "role", "receives_fee_calls"]


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Montant (€)"), min_value=0, decimal_places=2)
    paid_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    method = forms.ChoiceField(label=_("Moyen"), choices=PaymentMethod.choices[:3])
    reference = forms.CharField(label=_("Référence bancaire"), required=False, max_length=80)


class FundingForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=FundingStatus.choices)
    granted = forms.DecimalField(label=_("Accordé (€)"), required=False, min_value=0, decimal_places=2)
    paid = forms.DecimalField(label=_("Versé (€)"), required=False, min_value=0, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


# --- Setting a cluster up (views/setup.py, services in setup.py) -----------------------------


class CollegeForm(forms.Form):
    """A college's name and what the statutes give it (the board's)."""

    name = forms.CharField(label=_("Nom"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    board_seats = forms.IntegerField(label=_("Sièges au conseil d'administration"), min_value=0, max_value=99)
    vote_weight = forms.DecimalField(
        label=_("Poids des voix (statuts)"), min_value=0, max_digits=5, decimal_places=2, initial=1
    )


class RulesForm(forms.Form):
    """Who may join a college (its officers' and the board's)."""

    naf_prefixes = forms.CharField(
        label=_("Activités admises (NAF)"),
        required=False,
        help_text=_("Sections (J) ou codes NAF (62, 62.01Z), séparés par des virgules ; vide : toutes."),
    )
    headcount_bands = forms.MultipleChoiceField(
        label=_("Tranches d'effectif admises"),
        required=False,
        choices=HeadcountBand.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune cochée : toutes."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Types d'acteurs admis"),
        required=False,
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun coché : tous."),
    )
    accepts_people = forms.BooleanField(
        label=_("Ouvert aux personnes (adhésion individuelle)"), required=False
    )
    approval_required = forms.BooleanField(
        label=_("Les responsables du collège valident chaque adhésion"), required=False
    )
    grace_days = forms.IntegerField(
        label=_("Délai de grâce après l'échéance (jours)"), min_value=0, max_value=365, initial=60
    )

    def clean_naf_prefixes(self) -> list[str]:
        return [
            p.strip() for p in self.cleaned_data["naf_prefixes"].replace(";", ",").split(",") if p.strip()
        ]


class FeeBandForm(forms.Form):
    year = forms.IntegerField(
        label=_("Année"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Vide : la grille de toute année qui n'a pas la sienne."),
    )
    basis = forms.ChoiceField(label=_("Assiette"), choices=FeeBasis.choices)
    minimum = forms.DecimalField(label=_("De"), min_value=0, decimal_places=0, max_digits=14)
    maximum = forms.DecimalField(
        label=_("À"),
        min_value=0,
        decimal_places=0,
        max_digits=14,
        required=False,
        help_text=_("Vide : sans limite."),
    )
    amount = forms.DecimalField(
        label=_("Cotisation annuelle (€)"), min_value=0, decimal_places=2, max_digits=10
    )


class FeePreviewForm(forms.Form):
    """What a member would pay: the grid's yearly amount, pro rata for a late joiner."""

    value = forms.DecimalField(
        label=_("Effectif ou chiffre d'affaires"), min_value=0, decimal_places=0, max_digits=14
    )
    joined_on = forms.DateField(
        label=_("Date d'adhésion"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class OfficerForm(forms.Form):
    email = forms.EmailField(label=_("Courriel de la personne (compte existant)"))


class MergerForm(forms.Form):
    """A merger's associations and date; on a draft, the college each association's members join."""

    predecessors: forms.ModelMultipleChoiceField[Organisation] = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Associations qui fusionnent dans le cluster"),
        widget=forms.CheckboxSelectMultiple,
    )
    effective_on = forms.DateField(
        label=_("Date d'effet"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(
        self, *args: Any, candidates: Any, colleges: Any, associations: list[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["predecessors"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["predecessors"].label_from_instance = lambda o: o.name  # type: ignore[attr-defined]
        for association in associations:
            field: forms.ModelChoiceField[College] = forms.ModelChoiceField(
                queryset=colleges,
                required=False,
                label=_("Collège des membres de %(name)s") % {"name": association.name},
                empty_label=_("Celui que nomme le fichier"),
            )
            field.label_from_instance = lambda obj: obj.name  # type: ignore[method-assign]
            self.fields[f"college_{association.pk}"] = field

    def college_map(self) -> dict[int, College | None]:
        return {
            int(name.removeprefix("college_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("college_")
        }
