"""The training programmes' figures for roadmap indicators (`core.indicators`), the same numbers
as the programme's dashboard (`selectors.programme_dashboard`)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from filiere.core.indicators import Computation

from .dashboard import Figures
from .models import Cohort, Programme
from .selectors import programme_dashboard


def _programme_figures(region_code: str, *, latest_year: bool) -> list[Figures]:
    """Pipeline figures of the region's training programmes (NEGE-like), all years or the
    latest year with a cohort."""
    programmes = Programme.objects.filter(region_id=region_code)
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


def programme_files_latest_year(region_code: str) -> Decimal:
    """Files (applications) of the region's training programmes in their latest year."""
    return Decimal(sum(f.files for f in _programme_figures(region_code, latest_year=True)))


def programme_trainees_latest_year(region_code: str) -> Decimal:
    """People who entered training in the region's programmes in their latest year."""
    return Decimal(sum(f.trainees for f in _programme_figures(region_code, latest_year=True)))


def programme_back_to_work_rate(region_code: str) -> Decimal:
    """Share (%) in employment 6 months after training, among finishers whose situation is known,
    over every year of the region's programmes (0 when nothing is known yet)."""
    figures = _programme_figures(region_code, latest_year=False)
    known = sum(f.outcome6_known for f in figures)
    employed = sum(f.employed6 for f in figures)
    return (Decimal(100) * employed / known).quantize(Decimal("0.1")) if known else Decimal(0)


COMPUTATIONS = [
    Computation(
        "programme_files_latest_year",
        _("Dossiers des programmes de formation de la région, dernière année (talents)"),
        _("dossiers"),
        programme_files_latest_year,
    ),
    Computation(
        "programme_trainees_latest_year",
        _("Stagiaires entrés en formation dans la région, dernière année (talents)"),
        _("stagiaires"),
        programme_trainees_latest_year,
    ),
    Computation(
        "programme_back_to_work_rate",
        _("Taux de retour à l'emploi à 6 mois des programmes de formation de la région (talents)"),
        "%",
        programme_back_to_work_rate,
    ),
]
