"""Labels of facet values: region names and NAF labels (read once per process from the INSEE file
the `taxonomy` NAF codes are loaded from)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from filiere.core.text import restore_capital_accents
from filiere.territories.models import Department, Region

from ..models import HeadcountBand, Kind, State

if TYPE_CHECKING:
    pass


def region_name(code: str) -> str:
    """A region's name (its code when unknown)."""
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code


def facet_labels(counts: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """Human labels for facet values: territory names, NAF labels, choice labels."""
    region_codes = set(counts.get("region", ()))
    department_codes = set(counts.get("department", ()))
    regions = {r.code: r.name for r in Region.objects.filter(code__in=region_codes)}
    departments = {
        d.code: f"{d.name} ({d.code})" for d in Department.objects.filter(code__in=department_codes)
    }
    naf = naf_labels_for(counts.get("naf", ()))
    return {
        "region": regions,
        "department": departments,
        "naf": {code: f"{code} — {label}" for code, label in naf.items()},
        "digital": {"1": str(_("Numérique")), "0": str(_("Hors numérique"))},
        "headcount": {k: str(v) for k, v in HeadcountBand.choices},
        "kind": {k: str(v) for k, v in Kind.choices},
        "state": {k: str(v) for k, v in State.choices},
    }


@lru_cache(maxsize=1)
def _naf_labels_from_file() -> dict[str, str]:
    path = settings.FILIERE_DATA_DIR / "naf" / "naf_rev2_sous_classes_5_niveaux.csv"
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            labels = {row["sous_classe"]: row["libelle_sous_classe"] for row in csv.DictReader(handle)}
    except FileNotFoundError:
        return {}
    # INSEE writes "Edition de logiciels applicatifs" beside "Édition de jeux électroniques".
    return restore_capital_accents(labels)


def _naf_code_model() -> Any:
    """taxonomy.NafCode, or None when the taxonomy app is not installed."""
    try:
        return apps.get_model("taxonomy", "NafCode")
    except LookupError:
        return None


def naf_labels_for(codes: Iterable[str]) -> dict[str, str]:
    """NAF sous-classe labels: from the INSEE file that taxonomy.NafCode is loaded from (read once
    per process), the database only for codes the file lacks. A facet of a broad search holds
    hundreds of codes: an `IN` query for them cost more than the rest of the page's labels."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    from_file = _naf_labels_from_file()
    labels = {code: from_file[code] for code in wanted if code in from_file}
    missing = wanted - labels.keys()
    naf_model = _naf_code_model()
    if missing and naf_model is not None:
        labels.update(naf_model.objects.filter(code__in=missing).values_list("code", "label"))
    return labels


def all_naf_labels() -> dict[str, str]:
    """Every known NAF label, with the same precedence as `naf_labels_for`: the INSEE file, the
    database for codes the file lacks (so an export and the pages never disagree)."""
    naf_model = _naf_code_model()
    labels = dict(naf_model.objects.values_list("code", "label")) if naf_model is not None else {}
    labels.update(_naf_labels_from_file())
    return labels


def naf_label(code: str) -> str:
    """The label of one NAF sous-classe ("" if unknown)."""
    return naf_labels_for([code]).get(code, "")


def all_naf_choices() -> list[tuple[str, str]]:
    """Every NAF sous-classe as (code, "code — label"), for forms and API documentation."""
    return [(code, f"{code} — {label}") for code, label in sorted(_naf_labels_from_file().items())]
