"""Forms of the roadmaps pages. Validation of the data itself lives in services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from filiere.organisations.models import Organisation
from filiere.roadmaps.computations import computations
from filiere.roadmaps.models import (
    Action,
    ActionStatus,
    AxisKind,
    Computation,
    Indicator,
    Objective,
    Plan,
    Priority,
)
from filiere.roadmaps.selectors import find_organisation, regions_for_new_plan

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer


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


# --- Editing the plan --------------------------------------------------------------------------

DATE_WIDGET = {"type": "date"}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")


class OrganisationsField(forms.CharField):
    """Organisations of the directory typed by name, acronym or SIREN, separated by « ; ».
    An unknown one is a field error naming it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault(
            "help_text", _("Noms, sigles ou SIREN d'organisations de l'annuaire, séparés par « ; ».")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)) or hasattr(value, "all"):
            items = value.all() if hasattr(value, "all") else value
            return "; ".join(o.name for o in items)
        return value

    def clean(self, value: Any) -> list[Organisation]:  # type: ignore[override]
        text = super().clean(value)
        names = [n.strip() for n in (text or "").split(";") if n.strip()]
        found, unknown = [], []
        for name in names:
            organisation = find_organisation(name)
            if organisation is None:
                unknown.append(name)
            elif organisation not in found:
                found.append(organisation)
        if unknown:
            raise ValidationError(
                ngettext(
                    "Organisation inconnue dans l'annuaire : %(names)s.",
                    "Organisations inconnues dans l'annuaire : %(names)s.",
                    len(unknown),
                )
                % {"names": ", ".join(f"« {n} »" for n in unknown)}
            )
        return found


class PlanForm(forms.ModelForm):
    partners_text = OrganisationsField(label=_("Partenaires"))

    class Meta:
        model = Plan
        fields = [
            "title",
            "kind",
            "region",
            "start_date",
            "end_date",
            "axis_kind",
            "description",
            "is_public",
        ]
        widgets = {"start_date": _date_input(), "end_date": _date_input()}

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for_new_plan(user)
        self.fields["region"].empty_label = None
        if self.instance.pk:
            self.fields["partners_text"].initial = self.fields["partners_text"].prepare_value(
                self.instance.partners.all()
            )
            # Moving a plan to another region would hand it to other administrators.
            self.fields["region"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fin du plan précède son début."))
        return data

    def _post_clean(self) -> None:
        # Model validation happens in the services (with the plan's actions in view).
        pass

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {f: data[f] for f in self.Meta.fields if f != "region"}
        fields["region_id"] = data["region"].pk
        return fields


class NodeForm(forms.Form):
    """An axis or an objective: title, description, weight (and the axis's kind)."""

    title = forms.CharField(label=_("Titre"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    weight = forms.DecimalField(
        label=_("Poids"),
        min_value=0,
        max_digits=6,
        decimal_places=2,
        initial=1,
        help_text=_("Poids dans le calcul de l'avancement du niveau supérieur (0 = non compté)."),
    )

    def __init__(self, *args: Any, with_kind: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_kind:
            self.fields["kind"] = forms.ChoiceField(label=_("Type"), choices=AxisKind.choices)
            self.order_fields(["kind", "title"])


class ActionEditForm(forms.Form):
    """Every field of an action, for the plan's editors and the porteur's editors."""

    title = forms.CharField(label=_("Titre"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_text = forms.CharField(
        label=_("Porteur"),
        required=False,
        max_length=255,
        help_text=_("Nom, sigle ou SIREN d'une organisation de l'annuaire."),
    )
    owner_outside = forms.BooleanField(
        label=_("Le porteur n'est pas (encore) dans l'annuaire : garder son nom tel quel"), required=False
    )
    partners_text = OrganisationsField(label=_("Partenaires"))
    funders_text = OrganisationsField(label=_("Financeurs"))
    budget_planned = forms.DecimalField(
        label=_("Budget prévu (€)"), required=False, max_digits=14, decimal_places=2
    )
    budget_spent = forms.DecimalField(
        label=_("Budget consommé (€)"), required=False, max_digits=14, decimal_places=2
    )
    status = forms.ChoiceField(label=_("Statut"), choices=ActionStatus.choices)
    priority = forms.ChoiceField(label=_("Priorité"), choices=Priority.choices, initial=Priority.MEDIUM)
    start_date = forms.DateField(label=_("Début"), required=False, widget=_date_input())
    end_date = forms.DateField(label=_("Fin"), required=False, widget=_date_input())
    weight = NodeForm.base_fields["weight"]
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicateurs liés"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, plan: Plan, action: Action | None = None, **kwargs: Any) -> None:
        if action is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": action.title,
                "description": action.description,
                "owner_text": action.owner.name if action.owner_id and action.owner else action.owner_name,
                "owner_outside": bool(action.owner_name and not action.owner_id),
                "partners_text": action.partners.all(),
                "funders_text": action.funders.all(),
                "budget_planned": action.budget_planned,
                "budget_spent": action.budget_spent,
                "status": action.status,
                "priority": action.priority,
                "start_date": action.start_date,
                "end_date": action.end_date,
                "weight": action.weight,
                "indicators": list(action.indicators.all()),
            }
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["indicators"].queryset = plan.indicators.all()
        self.fields["start_date"].help_text = self.fields["end_date"].help_text = _(
            "Dans la période du plan : du %(start)s au %(end)s."
        ) % {"start": plan.start_date.strftime("%d/%m/%Y"), "end": plan.end_date.strftime("%d/%m/%Y")}

    def clean_owner_text(self) -> str:
        return " ".join(self.cleaned_data["owner_text"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        owner_text = data.get("owner_text", "")
        data["owner"] = find_organisation(owner_text) if owner_text else None
        if owner_text and data["owner"] is None and not data.get("owner_outside"):
            self.add_error(
                "owner_text",
                _(
                    "Organisation inconnue dans l'annuaire : « %(name)s ». Corrigez le nom ou cochez "
                    "la case pour garder ce nom tel quel."
                )
                % {"name": owner_text},
            )
        for name in ("budget_planned", "budget_spent"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("Le montant ne peut pas être négatif."))
        start, end = data.get("start_date"), data.get("end_date")
        for name in ("start_date", "end_date"):
            day = data.get(name)
            if day and not self.plan.contains(day):
                self.add_error(
                    name,
                    _("Date hors de la période du plan (%(start)s – %(end)s).")
                    % {
                        "start": self.plan.start_date.strftime("%d/%m/%Y"),
                        "end": self.plan.end_date.strftime("%d/%m/%Y"),
                    },
                )
        if start and end and end < start and "end_date" not in self.errors:
            self.add_error("end_date", _("La fin de l'action précède son début."))
        return data

    @property
    def overspent(self) -> bool:
        """Spent more than planned: allowed (it happens) but flagged to the editor."""
        data = getattr(self, "cleaned_data", {})
        planned, spent = data.get("budget_planned"), data.get("budget_spent")
        return planned is not None and spent is not None and spent > planned

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        owner = data["owner"]
        fields = {
            name: data[name]
            for name in (
                "title",
                "description",
                "budget_planned",
                "budget_spent",
                "status",
                "priority",
                "start_date",
                "end_date",
                "weight",
            )
        }
        fields["owner_id"] = owner.pk if owner else None
        fields["owner_name"] = "" if owner else data["owner_text"]
        return fields


class StepForm(forms.Form):
    title = forms.CharField(label=_("Nouvelle étape"), max_length=255)
    due_date = forms.DateField(label=_("Échéance"), required=False, widget=_date_input())


class IndicatorForm(forms.ModelForm):
    computed_key = forms.ChoiceField(label=_("Calcul de la plateforme"), required=False)
    actions = forms.ModelMultipleChoiceField(
        label=_("Actions mesurées"),
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    objectives = forms.ModelMultipleChoiceField(
        label=_("Objectifs mesurés"),
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Indicator
        fields = [
            "name",
            "description",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "source",
            "computation",
            "computed_key",
            "actions",
            "objectives",
        ]
        widgets = {"baseline_date": _date_input(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["computed_key"].choices = [("", "—")] + [
            (key, str(spec.label)) for key, spec in computations().items()
        ]
        self.fields["computed_key"].help_text = _("Seulement pour le mode « Calculée par la plateforme ».")
        self.fields["actions"].queryset = Action.objects.filter(objective__axis__plan=plan).order_by(
            "objective__axis__position", "objective__position", "position", "pk"
        )
        self.fields["objectives"].queryset = Objective.objects.filter(axis__plan=plan).order_by(
            "axis__position", "position", "pk"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("computation") == Computation.COMPUTED and not data.get("computed_key"):
            self.add_error("computed_key", _("Choisissez le calcul de la plateforme."))
        return data

    def _post_clean(self) -> None:
        pass  # validated by the services

    def service_fields(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.Meta.fields if f not in ("actions", "objectives")}


class TargetForm(forms.Form):
    date = forms.DateField(label=_("Échéance de la cible"), widget=_date_input())
    value = forms.CharField(
        label=_("Valeur cible"), max_length=40, help_text=_("Un nombre, par exemple 1 250 ou 12,5.")
    )
