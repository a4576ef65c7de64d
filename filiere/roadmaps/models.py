"""Plans (contracts, conventions, roadmaps): a tree of axes → objectives → actions, and indicators.

A plan belongs to one region. Its tree is `Axis` (a priority, an ambition or an axis, as the
plan calls them) → `Objective` → `Action`. Indicators hang on the plan and may be linked to
actions and objectives; each has a baseline, targets by date and measured values by date.
Progress is never stored: it is computed from this data (see `progress.py` and `selectors.py`).
Every change made through `services.py` writes an `ActivityLog` row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.models import TimeStampedModel
from filiere.roadmaps.computations import computations

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class PlanKind(models.TextChoices):
    CONTRACT = "contract", _("Contrat")
    CONVENTION = "convention", _("Convention")
    ROADMAP = "roadmap", _("Feuille de route")


class AxisKind(models.TextChoices):
    PRIORITY = "priority", _("Priorité")
    AMBITION = "ambition", _("Ambition")
    AXIS = "axis", _("Axe")


class Plan(TimeStampedModel):
    kind = models.CharField(_("type"), max_length=12, choices=PlanKind.choices, default=PlanKind.ROADMAP)
    title = models.CharField(_("titre"), max_length=255)
    region = models.ForeignKey(
        "territories.Region", on_delete=models.PROTECT, related_name="plans", verbose_name=_("région")
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    partners = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="plans_as_partner",
        verbose_name=_("partenaires"),
    )
    description = models.TextField(_("description"), blank=True)
    axis_kind = models.CharField(
        _("nom des axes"),
        max_length=10,
        choices=AxisKind.choices,
        default=AxisKind.AXIS,
        help_text=_("Comment le plan appelle son premier niveau (priorités, ambitions, axes)."),
    )
    is_public = models.BooleanField(_("public"), default=False)

    class Meta:
        ordering = ["region", "-start_date", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="plan_period_ok"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La fin du plan précède son début.")})

    def contains(self, day: dt.date, *, margin_days: int = 0) -> bool:
        """True when `day` falls within the plan period widened by `margin_days` on each side."""
        margin = dt.timedelta(days=margin_days)
        return self.start_date - margin <= day <= self.end_date + margin


class TreeNode(models.Model):
    """Shared fields of the three levels of a plan's tree."""

    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("titre"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("poids"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=NON_NEGATIVE,
        help_text=_("Poids dans le calcul de l'avancement du niveau supérieur (0 = non compté)."),
    )

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Axis(TreeNode):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="axes")
    kind = models.CharField(_("type"), max_length=10, choices=AxisKind.choices, default=AxisKind.AXIS)

    class Meta(TreeNode.Meta):
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        constraints = [models.UniqueConstraint(fields=["plan", "title"], name="axis_title_unique_in_plan")]


class Objective(TreeNode):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="objectives")

    class Meta(TreeNode.Meta):
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        constraints = [
            models.UniqueConstraint(fields=["axis", "title"], name="objective_title_unique_in_axis")
        ]


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Non commencée")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Terminée")
    LATE = "late", _("En retard")
    ABANDONED = "abandoned", _("Abandonnée")


class Priority(models.TextChoices):
    HIGH = "high", _("Haute")
    MEDIUM = "medium", _("Moyenne")
    LOW = "low", _("Basse")


class Action(TreeNode):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_owned",
        verbose_name=_("porteur"),
    )
    owner_name = models.CharField(
        _("porteur (texte)"),
        max_length=255,
        blank=True,
        help_text=_("Nom du porteur quand il n'est pas (encore) dans l'annuaire."),
    )
    partners = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="actions_as_partner",
        verbose_name=_("partenaires"),
    )
    funders = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="actions_funded", verbose_name=_("financeurs")
    )
    budget_planned = models.DecimalField(
        _("budget prévu (€)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    budget_spent = models.DecimalField(
        _("budget consommé (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    priority = models.CharField(
        _("priorité"), max_length=6, choices=Priority.choices, default=Priority.MEDIUM
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)

    class Meta(TreeNode.Meta):
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.UniqueConstraint(fields=["objective", "title"], name="action_title_unique_in_objective"),
            models.CheckConstraint(
                condition=models.Q(budget_planned__gte=0), name="action_budget_planned_ok"
            ),
            models.CheckConstraint(condition=models.Q(budget_spent__gte=0), name="action_budget_spent_ok"),
        ]

    @property
    def owner_label(self) -> str:
        return self.owner.name if self.owner_id and self.owner else self.owner_name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("La fin de l'action précède son début.")
        plan = self.objective.axis.plan if self.objective_id else None
        if plan is not None:
            for field in ("start_date", "end_date"):
                day = getattr(self, field)
                if day and not plan.contains(day):
                    errors.setdefault(
                        field,
                        _("Date hors de la période du plan (%(start)s – %(end)s).")
                        % {
                            "start": plan.start_date.strftime("%d/%m/%Y"),
                            "end": plan.end_date.strftime("%d/%m/%Y"),
                        },
                    )
        if errors:
            raise ValidationError(errors)


class ActionStep(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("titre"), max_length=255)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    done = models.BooleanField(_("réalisée"), default=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")

    def __str__(self) -> str:
        return self.title


class Direction(models.TextChoices):
    UP = "up", _("Hausse souhaitée")
    DOWN = "down", _("Baisse souhaitée")


class Computation(models.TextChoices):
    MANUAL = "manual", _("Saisie manuelle")
    IMPORTED = "imported", _("Importée")
    COMPUTED = "computed", _("Calculée par la plateforme")


VALUE = {"max_digits": 18, "decimal_places": 4}


class Indicator(TimeStampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    actions = models.ManyToManyField(Action, blank=True, related_name="indicators", verbose_name=_("actions"))
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="indicators", verbose_name=_("objectifs")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    name = models.CharField(_("nom"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    direction = models.CharField(_("sens"), max_length=4, choices=Direction.choices, default=Direction.UP)
    baseline_value = models.DecimalField(_("valeur de référence"), null=True, blank=True, **VALUE)
    baseline_date = models.DateField(_("date de référence"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    computation = models.CharField(
        _("mode de calcul"), max_length=10, choices=Computation.choices, default=Computation.MANUAL
    )
    computed_key = models.CharField(
        _("calcul de la plateforme"),
        max_length=60,
        blank=True,
        help_text=_("Nom d'un calcul du registre (voir roadmaps.computations)."),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="indicator_name_unique_in_plan")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.computation == Computation.COMPUTED and self.computed_key not in computations():
            raise ValidationError(
                {"computed_key": _("Calcul inconnu : « %(key)s ».") % {"key": self.computed_key}}
            )


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    date = models.DateField(_("échéance"))
    value = models.DecimalField(_("cible"), **VALUE)

    class Meta:
        ordering = ["date"]
        verbose_name = _("cible")
        verbose_name_plural = _("cibles")
        constraints = [models.UniqueConstraint(fields=["indicator", "date"], name="target_date_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.date}: {self.value}"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    date = models.DateField(_("date"))
    value = models.DecimalField(_("valeur"), **VALUE)
    source = models.CharField(_("source"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saisie le"), auto_now_add=True)

    class Meta:
        ordering = ["date", "created_at", "pk"]
        verbose_name = _("valeur mesurée")
        verbose_name_plural = _("valeurs mesurées")

    def __str__(self) -> str:
        return f"{self.indicator} {self.date}: {self.value}"


class ActivityLog(models.Model):
    """Who changed what in a plan: one row per change made through a service."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activity")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)
    verb = models.CharField(_("opération"), max_length=20)  # created, updated, value_recorded, imported...
    # plan, axis, objective, action, indicator... ("objet" has another meaning in showcase: a message subject)
    object_type = models.CharField(pgettext_lazy("journal", "objet"), max_length=20)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_repr = models.CharField(_("libellé"), max_length=255, blank=True)
    changes = models.JSONField(_("modifications"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("journal d'activité")
        verbose_name_plural = _("journal d'activité")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb} {self.object_type} {self.object_repr}"
