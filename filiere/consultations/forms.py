"""Forms of consultations; the views hand their cleaned data to `services` through `run_service`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filiere.territories.models import Department

from .models import ActorKind, Answer, Field, HideReason, Kind, Phase, Process, Visibility
from .services import MAX_BODY


class JoinForm(forms.Form):
    pseudonym = forms.CharField(label=_("Pseudonyme"), max_length=60)
    visibility = forms.ChoiceField(label=_("Mes contributions paraissent"), choices=Visibility.choices)
    actor_kind = forms.ChoiceField(label=_("Je m'exprime en tant que"), choices=ActorKind.choices)
    siren = forms.CharField(
        label=_("SIREN de ma structure (facultatif)"),
        max_length=20,
        required=False,
        help_text=_("Vérifié dans l'annuaire ; « vérifiée » si vous en êtes membre."),
    )
    department = forms.ModelChoiceField(
        label=_("Département"), queryset=Department.objects.order_by("code"), required=False
    )
    consent = forms.BooleanField(
        label=_("J'accepte que mes contributions soient publiées sous le nom choisi ci-dessus."),
        required=False,
    )


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[
            (k.value, k.label)
            for k in (Kind.AMENDMENT, Kind.PROPOSAL, Kind.ARGUMENT_FOR, Kind.ARGUMENT_AGAINST, Kind.COMMENT)
        ],
    )
    field = forms.ChoiceField(label=_("Champ amendé"), choices=[("", "—"), *Field.choices], required=False)
    title = forms.CharField(label=_("Titre"), max_length=255, required=False, strip=False)
    # No max_length here: the service names the length in its message.
    body = forms.CharField(
        label=_("Texte"), widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_BODY}), strip=False
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motif"), choices=HideReason.choices)
    note = forms.CharField(label=_("Précision"), max_length=500, required=False)


class ModerateForm(forms.Form):
    hide = forms.BooleanField(required=False)
    reason = forms.ChoiceField(label=_("Motif"), choices=[("", "—"), *HideReason.choices], required=False)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Réponse"), choices=[c for c in Answer.choices if c[0] != Answer.PENDING]
    )
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class VersionForm(forms.Form):
    note = forms.CharField(label=_("Note de version"), max_length=500, required=False)
    reason = forms.CharField(
        label=_("Raison des modifications de l'équipe"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Obligatoire quand une modification ne vient d'aucune contribution retenue."),
    )


class MeetingForm(forms.Form):
    event = forms.IntegerField(
        label=_("Numéro de l'événement"),
        min_value=1,
        help_text=_("L'atelier ou la journée, créé dans les événements (inscriptions, accueil, présences)."),
    )
    phase = forms.ModelChoiceField(label=_("Phase"), queryset=Phase.objects.none())

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = process.phases.all()  # type: ignore[attr-defined]


class ConclusionForm(forms.Form):
    section = forms.ChoiceField(label=_("Section du plan"))
    title = forms.CharField(label=_("Titre"), max_length=255, required=False)
    body = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 4}), strip=False)

    def __init__(self, *args: Any, sections: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [  # type: ignore[attr-defined]
            (f"{s.node_type}:{s.node_id}", f"{s.label} · {s.title}"[:120]) for s in sections
        ]


class ProcessForm(forms.Form):
    plan: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Plan soumis à la consultation"),
        queryset=None,
        help_text=_("Son contenu actuel devient la version 1, le projet mis en consultation."),
    )
    title = forms.CharField(label=_("Titre de la consultation"), max_length=255)
    description = forms.CharField(
        label=_("Présentation"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = [
            "kind", "title", "description", "starts_on", "ends_on",
            "may_amend", "may_propose", "may_argue", "may_support",
        ]  # fmt: skip
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 2}),
        }
