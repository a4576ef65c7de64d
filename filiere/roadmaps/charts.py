"""The roadmaps' charts, drawn by `filiere.core.charts` with this app's wording.

- `indicator_chart`: one indicator's targets (dashed) and measured values (solid) by date.
- `plan_chart`: every indicator of a plan as a bar of its progress towards its final target,
  the summary "target vs actual" of the plan (the indicators table beside it links to each one's chart).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from filiere.core.charts import Bar, Chart, bar_chart, target_actual_svg

if TYPE_CHECKING:
    from filiere.roadmaps.selectors import IndicatorNode, PlanTree


def indicator_chart(node: IndicatorNode, *, uid: str, small: bool = False, table_id: str = "") -> SafeString:
    """The SVG of an indicator's targets and values; `table_id` names the page's data table."""
    indicator = node.indicator
    baseline = None
    if indicator.baseline_date and indicator.baseline_value is not None:
        baseline = (indicator.baseline_date, indicator.baseline_value)
    description = _("Cibles (tirets) et valeurs mesurées (trait plein).")
    if table_id:
        description += " " + _("Les données figurent dans le tableau qui suit.")
    return target_actual_svg(
        title=_("%(name)s : cibles et valeurs mesurées") % {"name": indicator.name},
        description=description,
        targets=[(t.date, t.value) for t in node.targets],
        actuals=[(v.date, v.value) for v in node.values],
        baseline=baseline,
        target_label=_("Cible"),
        actual_label=_("Mesure"),
        baseline_label=_("Référence"),
        legend_targets=_("Cibles"),
        legend_actuals=_("Valeurs mesurées"),
        unit=indicator.unit,
        empty_text=_("Pas encore de données"),
        uid=uid,
        width=420 if small else 640,
        height=220 if small else 260,
    )


def plan_chart(tree: PlanTree) -> Chart:
    """Progress of each indicator of the plan towards its final target, in % (0 = baseline,
    100 = target reached), with the table of latest value, target and explanation."""
    bars = [
        Bar(
            label=node.indicator.name,
            value=node.progress.percent,
            note=node.progress.explanation,
        )
        for node in tree.indicators
    ]
    return bar_chart(
        title=_("Avancement de chaque indicateur vers sa cible finale"),
        description=_(
            "Une barre par indicateur : 0 % à la valeur de référence, 100 % à la cible atteinte. "
            "Les données figurent dans le tableau des indicateurs du plan."
        ),
        bars=bars,
        unit="%",
        max_value=100,
        missing_text=_("non mesurable"),
        table_caption=_("Avancement des indicateurs du plan"),
        label_heading=_("Indicateur"),
        value_heading=_("Avancement"),
        note_heading=_("Détail"),
        width=760,
        label_width=340,
        uid=f"plan-{tree.plan.pk}-progress",
        table_id="plan-indicators-progress",
    )
