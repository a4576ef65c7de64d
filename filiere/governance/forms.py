"""Forms of the governance app (the services check the rights and the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filiere.organisations.models import College, Organisation

from .models import FundingStatus, MemberContact, PaymentMethod


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
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class ContactForm(forms.ModelForm):
    class Meta:
        model = MemberContact
        fields = ["name", "email", "phone", "role", "receives_fee_calls"]


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Montant (€)"), min_value=0, decimal_places=2)
    paid_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("Moyen"), choices=PaymentMethod.choices[:3])
    reference = forms.CharField(label=_("Référence bancaire"), required=False, max_length=80)


class FundingForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=FundingStatus.choices)
    granted = forms.DecimalField(label=_("Accordé (€)"), required=False, min_value=0, decimal_places=2)
    paid = forms.DecimalField(label=_("Versé (€)"), required=False, min_value=0, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
