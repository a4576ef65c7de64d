"""Lookups by official code shared by the people and offer services: communes (COG), ROME
appellations and métiers, departments and contract kinds, each refused with a French message
naming the field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from filiere.taxonomy.models import RomeAppellation, RomeMetier
from filiere.territories.models import Commune, Department

from ..models import (
    Contract,
)

if TYPE_CHECKING:
    pass


def resolve_commune(code: str, *, field: str = "commune") -> Commune | None:
    """The commune of an INSEE code ("" → None); an unknown code is a clear error."""
    code = (code or "").strip()
    if not code:
        return None
    commune = Commune.objects.filter(code=code).first() or Commune.objects.filter(insee_code=code).first()
    if commune is None:
        raise ValidationError({field: _("Code commune inconnu : « %(code)s ».") % {"code": code[:20]}})
    return commune


def resolve_appellations(
    codes: Iterable[str], *, field: str = "wished_appellations"
) -> list[RomeAppellation]:
    """ROME appellations of OGR codes; unknown codes are listed in the error."""
    wanted = [c.strip() for c in codes if c and c.strip()]
    found = {a.code_ogr: a for a in RomeAppellation.objects.filter(code_ogr__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError(
            {field: _("Code ROME (appellation) inconnu : %(codes)s.") % {"codes": ", ".join(unknown[:10])}}
        )
    return [found[c] for c in dict.fromkeys(wanted)]


def resolve_metiers(codes: Iterable[str], *, field: str = "wished_metiers") -> list[RomeMetier]:
    """ROME métiers of their codes (e.g. M1805); unknown codes are listed in the error."""
    wanted = [c.strip().upper() for c in codes if c and c.strip()]
    found = {m.code: m for m in RomeMetier.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError(
            {field: _("Code ROME (fiche métier) inconnu : %(codes)s.") % {"codes": ", ".join(unknown[:10])}}
        )
    return [found[c] for c in dict.fromkeys(wanted)]


def check_departments(codes: Iterable[str]) -> list[str]:

    wanted = sorted({c.strip().upper() for c in codes if c and c.strip()})
    known = set(Department.objects.filter(code__in=wanted).values_list("code", flat=True))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ValidationError(
            {
                "mobility_departments": _("Département inconnu : %(codes)s.")
                % {"codes": ", ".join(unknown[:10])}
            }
        )
    return wanted


def check_contracts(values: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(v for v in values if v))
    unknown = [v for v in wanted if v not in Contract.values]
    if unknown:
        raise ValidationError(
            {
                "contract_wishes": _("Type de contrat inconnu : %(values)s.")
                % {"values": ", ".join(unknown[:5])}
            }
        )
    return wanted
