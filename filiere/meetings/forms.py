from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ParticipantRole, Programme


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["first_slot_at", "slot_minutes", "slots", "tables", "requests_close_at"]
        widgets = {
            "first_slot_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "requests_close_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }


class JoinForm(forms.Form):
    role = forms.ChoiceField(label=_("Je viens comme"), choices=ParticipantRole.choices)
    organisation = forms.TypedChoiceField(
        label=_("Pour l'organisation"), coerce=int, required=False, empty_value=None
    )
    presentation = forms.CharField(
        label=_("Ce que je cherche ou propose"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    unavailable_slots = forms.TypedMultipleChoiceField(
        label=_("Créneaux où je ne suis pas disponible"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[Any] = (),
        slots: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            ("", "—"),
            *[(o.pk, o.name) for o in organisations],
        ]
        cast(forms.ChoiceField, self.fields["unavailable_slots"]).choices = list(slots)
