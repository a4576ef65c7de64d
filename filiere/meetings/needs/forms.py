"""Forms of the buyers' needs; views hand them to the services with `core.forms.run_service`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from filiere.territories.models import Department, Region

from . import services
from .models import BuyerNeed, NeedOutcome


class NeedForm(forms.ModelForm):
    organisation = forms.TypedChoiceField(label=_("Pour l'organisation"), coerce=int)

    class Meta:
        model = BuyerNeed
        fields = [
            "kind",
            "title",
            "description",
            "themes",
            "budget_min",
            "budget_max",
            "deadline",
            "region",
            "department",
            "confidential",
        ]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "themes": _(
                "Compétences ou thèmes, séparés par des virgules : le moteur les relie à la nomenclature."
            ),
            "confidential": _("Seules les entreprises que vous invitez voient un besoin confidentiel."),
        }

    def __init__(self, *args: Any, organisations: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(o.pk, o.name) for o in organisations]
        field = cast(forms.TypedChoiceField, self.fields["organisation"])
        field.choices = choices
        if self.instance.pk:
            del self.fields["organisation"]
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = Region.objects.order_by("name")
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = Department.objects.order_by("code")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Here rather than by the model's check constraint, whose message names no field.
        if message := services.budget_order_error(data.get("budget_min"), data.get("budget_max")):
            self.add_error("budget_max", message)
        if "deadline" in data and (message := services.deadline_error(data["deadline"])):
            self.add_error("deadline", message)
        return data


class InviteField(forms.MultipleChoiceField):
    """Checkboxes of the proposed organisations; any id is accepted here so that the service
    names what is wrong with a forged or stale one (unknown, not a firm)."""

    def valid_value(self, value: Any) -> bool:
        return True

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]  # ids, not strings
        ids = []
        for item in super().to_python(value):
            try:
                ids.append(int(item))
            except ValueError:
                raise ValidationError(
                    _("« %(value)s » n'est pas un numéro d'organisation.") % {"value": item}
                ) from None
        return ids


class InviteForm(forms.Form):
    organisations = InviteField(label=_("Entreprises à inviter"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["organisations"]).choices = list(choices)


class BroadcastForm(forms.Form):
    top = forms.IntegerField(label=_("Nombre d'entreprises"), min_value=1, max_value=50, initial=10)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Votre réponse"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    amount = forms.IntegerField(label=_("Montant proposé (€)"), min_value=0, required=False)
    delay_days = forms.IntegerField(
        label=_("Délai de réalisation (jours)"), min_value=0, max_value=3650, required=False
    )
    attachment = forms.FileField(
        label=_("Pièce jointe (facultative)"), required=False, help_text=_("PDF, ODT ou DOCX, 5 Mo au plus.")
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Motif du refus"), max_length=500)


class InterestForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Pour l'entreprise"), coerce=int)

    def __init__(self, *args: Any, organisations: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["organisation"]).choices = [
            (o.pk, o.name) for o in organisations
        ]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Issue"), choices=NeedOutcome.choices)
    outcome_note = forms.CharField(
        label=_("Précisions"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class FollowUpForm(forms.Form):
    project_started = forms.TypedChoiceField(
        label=_("Le projet a-t-il démarré ?"),
        choices=[("1", _("Oui")), ("0", _("Non"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    project_amount = forms.IntegerField(label=_("Montant engagé (€)"), min_value=0, required=False)
