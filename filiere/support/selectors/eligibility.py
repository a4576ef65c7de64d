"""Eligibility: a service's structured rules (territory, NAF activity, headcount, age)
read against a firm's facts, each met or failed rule in French, and the published services a firm
may or may not use, most local first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from filiere.organisations.models import HeadcountBand
from filiere.organisations.selectors import naf_label
from filiere.territories.models import Department, Region

from ..models import Service
from .firms import FirmFacts


def _naf_key(code: str) -> str:
    return (code or "").replace(".", "").upper()


@dataclass
class Eligibility:
    """Whether a firm may use a service, with the reasons (met rules) and blockers (failed ones).

    `territory_level`: 3 the firm's intercommunality is named, 2 its department, 1 its region,
    0 a national service (more local first when proposing).
    """

    service: Service
    reasons: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    territory_level: int = 0

    @property
    def eligible(self) -> bool:
        return not self.blockers


def _region_names() -> dict[str, str]:
    return dict(Region.objects.values_list("code", "name"))


def _department_names() -> dict[str, str]:
    return dict(Department.objects.values_list("code", "name"))


def check_eligibility(service: Service, facts: FirmFacts, *, today: dt.date | None = None) -> Eligibility:
    """The service's rules read against the firm's facts, each met or failed rule in French."""
    today = today or timezone.localdate()
    result = Eligibility(service)
    if service.is_national:
        result.reasons.append(_("Service ouvert dans toute la France"))
    elif facts.epci_code and facts.epci_code in service.epci_codes:
        result.territory_level = 3
        result.reasons.append(_("Votre intercommunalité est couverte"))
    elif facts.department_code and facts.department_code in service.department_codes:
        result.territory_level = 2
        name = _department_names().get(facts.department_code, facts.department_code)
        result.reasons.append(_("Couvre votre département : %(name)s") % {"name": name})
    elif facts.region_code and facts.region_code in service.region_codes:
        result.territory_level = 1
        name = _region_names().get(facts.region_code, facts.region_code)
        result.reasons.append(_("Couvre votre région : %(name)s") % {"name": name})
    else:
        result.blockers.append(_("Votre établissement est hors du territoire couvert"))
    if service.naf_prefixes:
        code = _naf_key(facts.naf_code)
        if code and any(code.startswith(_naf_key(prefix)) for prefix in service.naf_prefixes):
            result.reasons.append(
                _("Activité visée : %(code)s %(label)s")
                % {"code": facts.naf_code, "label": naf_label(facts.naf_code)}
            )
        elif not code:
            result.blockers.append(
                _("Activité (code NAF) inconnue, alors que le service vise certaines activités")
            )
        else:
            result.blockers.append(
                _("Activité %(code)s hors des activités visées (%(prefixes)s)")
                % {"code": facts.naf_code, "prefixes": ", ".join(service.naf_prefixes)}
            )
    if service.headcount_bands:
        label = dict(HeadcountBand.choices).get(facts.headcount_band, "")
        if facts.headcount_band in service.headcount_bands:
            result.reasons.append(_("Taille visée : %(band)s") % {"band": label})
        elif not facts.headcount_band:
            result.blockers.append(_("Effectif inconnu, alors que le service vise certaines tailles"))
        else:
            result.blockers.append(_("Taille hors de celles visées : %(band)s") % {"band": label})
    if service.max_age_years is not None:
        age = facts.age_years(today)
        if age is None:
            result.blockers.append(
                _("Date de création inconnue, alors que le service vise les jeunes entreprises")
            )
        elif age <= service.max_age_years:
            result.reasons.append(
                ngettext(
                    "Entreprise de %(age)d an (au plus %(max)d)",
                    "Entreprise de %(age)d ans (au plus %(max)d)",
                    age,
                )
                % {"age": age, "max": service.max_age_years}
            )
        else:
            result.blockers.append(
                _("Entreprise créée il y a %(age)d ans : le service vise celles de %(max)d ans au plus")
                % {"age": age, "max": service.max_age_years}
            )
    return result


def services_for_firm(
    facts: FirmFacts, *, today: dt.date | None = None
) -> tuple[list[Eligibility], list[Eligibility]]:
    """(eligible, not eligible) published services for the firm, most local first, then by title."""
    results = [
        check_eligibility(service, facts, today=today)
        for service in Service.objects.published().select_related("provider")
    ]
    key = lambda e: (-e.territory_level, e.service.title.casefold())  # noqa: E731
    return (
        sorted((e for e in results if e.eligible), key=key),
        sorted((e for e in results if not e.eligible), key=key),
    )
