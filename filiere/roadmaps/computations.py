"""Indicators the platform computes from its own data, by name (`Indicator.computed_key`).

Each computation takes the plan and returns a number, read through the owning app's selectors
(the directory's figures come from `organisations.selectors.region_figures`, the same numbers
as the home page; the training programmes' from `talent.selectors.programme_dashboard`, the same
numbers as the programme's dashboard).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from filiere.roadmaps.models import Plan


@dataclass(frozen=True)
class ComputationSpec:
    key: str
    label: Promise | str
    unit: Promise | str
    function: Callable[[Plan], Decimal]


def digital_establishments_in_region(plan: Plan) -> Decimal:
    """Active establishments of the digital sector (INSEE c1385 flag) in the plan's region."""
    from filiere.organisations.selectors import region_figures

    return Decimal(region_figures(plan.region_id).digital_establishments)


def organisations_in_region(plan: Plan) -> Decimal:
    """Active organisations with at least one active establishment in the plan's region."""
    from filiere.organisations.selectors import region_figures

    return Decimal(region_figures(plan.region_id).organisations)


def _programme_figures(plan: Plan, *, latest_year: bool) -> list:
    """Pipeline figures of the plan region's training programmes (NEGE-like), all years or the
    latest year with a cohort."""
    from filiere.talent.models import Cohort, Programme
    from filiere.talent.selectors import programme_dashboard

    programmes = Programme.objects.filter(region_id=plan.region_id)
    year = None
    if latest_year:
        year = (
            Cohort.objects.filter(programme__in=programmes)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        if year is None:
            return []
    return [programme_dashboard(p, year=year).total for p in programmes]


def programme_files_latest_year(plan: Plan) -> Decimal:
    """Files (applications) of the region's training programmes in their latest year."""
    return Decimal(sum(f.files for f in _programme_figures(plan, latest_year=True)))


def programme_trainees_latest_year(plan: Plan) -> Decimal:
    """People who entered training in the region's programmes in their latest year."""
    return Decimal(sum(f.trainees for f in _programme_figures(plan, latest_year=True)))


def programme_back_to_work_rate(plan: Plan) -> Decimal:
    """Share (%) in employment 6 months after training, among finishers whose situation is known,
    over every year of the region's programmes (0 when nothing is known yet)."""
    figures = _programme_figures(plan, latest_year=False)
    known = sum(f.outcome6_known for f in figures)
    employed = sum(f.employed6 for f in figures)
    return (Decimal(100) * employed / known).quantize(Decimal("0.1")) if known else Decimal(0)


COMPUTATIONS: dict[str, ComputationSpec] = {
    spec.key: spec
    for spec in (
        ComputationSpec(
            "digital_establishments_in_region",
            _("Établissements actifs du secteur numérique dans la région (annuaire)"),
            _("établissements"),
            digital_establishments_in_region,
        ),
        ComputationSpec(
            "organisations_in_region",
            _("Organisations actives présentes dans la région (annuaire)"),
            _("organisations"),
            organisations_in_region,
        ),
        ComputationSpec(
            "programme_files_latest_year",
            _("Dossiers des programmes de formation de la région, dernière année (talents)"),
            _("dossiers"),
            programme_files_latest_year,
        ),
        ComputationSpec(
            "programme_trainees_latest_year",
            _("Stagiaires entrés en formation dans la région, dernière année (talents)"),
            _("stagiaires"),
            programme_trainees_latest_year,
        ),
        ComputationSpec(
            "programme_back_to_work_rate",
            _("Taux de retour à l'emploi à 6 mois des programmes de formation de la région (talents)"),
            "%",
            programme_back_to_work_rate,
        ),
    )
}


def compute(key: str, plan: Plan) -> Decimal:
    """Evaluate the computation `key` for `plan`; KeyError when the key is unknown."""
    return COMPUTATIONS[key].function(plan)
