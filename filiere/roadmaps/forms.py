"""Forms of the roadmaps pages. Validation of the data itself lives in services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.roadmaps.models import Action


class IndicatorValueForm(forms.Form):
    date = forms.DateField(
        label=_("Date de la mesure"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    value = forms.CharField(
        label=_("Valeur"), max_length=40, help_text=_("Un nombre, par exemple 1 250 ou 12,5.")
    )
    source = forms.CharField(label=_("Source"), max_length=255, required=False)


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=_("Classeur XLSX"),
        help_text=_("Même format que l'export (feuilles « Actions » et « Indicateurs »)."),
    )
    unknown_owners = forms.ChoiceField(
        label=_("Porteurs absents de l'annuaire"),
        choices=[
            ("error", _("Refuser le fichier")),
            ("keep_name", _("Garder le nom du porteur comme texte")),
        ],
        initial="error",
    )


class ActionForm(forms.ModelForm):
    """What a porteur updates as an action progresses; the tree itself is edited by import or admin."""

    class Meta:
        model = Action
        fields = ["status", "priority", "budget_planned", "budget_spent", "start_date", "end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
