"""A firm's facts from the directory (SIRENE): the SIRET a visitor typed, checked and
normalised, and the establishment, legal unit and territory eligibility reads
(`FirmLookupError` says in French what is wrong with the SIRET)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from filiere.organisations.models import Establishment, Organisation
from filiere.territories.models import Commune

from ..models import firm_key

SIRET_RE = re.compile(r"^\d{14}$")


class FirmLookupError(ValueError):
    """A SIRET that is malformed or not in the directory (the message is for the visitor)."""


@dataclass(frozen=True)
class FirmFacts:
    """What eligibility reads about one establishment and its legal unit."""

    organisation: Organisation
    establishment: Establishment
    siret: str
    siren: str
    name: str
    naf_code: str
    headcount_band: str
    creation_date: dt.date | None
    commune_code: str
    department_code: str
    region_code: str
    epci_code: str

    def age_years(self, today: dt.date) -> int | None:
        if self.creation_date is None:
            return None
        years = today.year - self.creation_date.year
        if (today.month, today.day) < (self.creation_date.month, self.creation_date.day):
            years -= 1
        return years


def normalise_siret(raw: str) -> str:
    """The 14 digits of a SIRET typed with spaces or dots; raises FirmLookupError otherwise."""
    siret = re.sub(r"[\s.\-]", "", raw or "")
    if not siret:
        raise FirmLookupError(_("Indiquez le SIRET de l'établissement (14 chiffres)."))
    if not SIRET_RE.match(siret):
        raise FirmLookupError(
            _("« %(value)s » n'est pas un SIRET : il faut 14 chiffres (SIREN à 9 chiffres + 5 chiffres).")
            % {"value": raw.strip()[:40]}
        )
    return siret


def firm_facts(raw_siret: str) -> FirmFacts:
    """The directory's facts on the establishment `raw_siret`; FirmLookupError when malformed,
    unknown or closed."""
    siret = normalise_siret(raw_siret)
    establishment = Establishment.objects.select_related("organisation").filter(siret=siret).first()
    if establishment is None:
        raise FirmLookupError(
            _(
                "Aucun établissement de l'annuaire n'a le SIRET %(siret)s. Vérifiez-le sur votre "
                "avis de situation SIRENE ; un établissement créé ce mois-ci arrive avec la "
                "prochaine mise à jour mensuelle."
            )
            % {"siret": siret}
        )
    organisation = establishment.organisation
    if establishment.state == "F":
        raise FirmLookupError(_("L'établissement %(siret)s est fermé selon SIRENE.") % {"siret": siret})
    commune_code = establishment.commune_code or ""
    epci_code = ""
    if commune_code:
        epci_code = (
            Commune.objects.filter(Q(code=commune_code) | Q(insee_code=commune_code))
            .exclude(epci_id=None)
            .values_list("epci_id", flat=True)
            .first()
            or ""
        )
    return FirmFacts(
        organisation=organisation,
        establishment=establishment,
        siret=siret,
        siren=firm_key(organisation),
        name=establishment.name or organisation.name,
        naf_code=establishment.naf_code or organisation.naf_code,
        headcount_band=organisation.headcount_band or establishment.headcount_band,
        creation_date=organisation.creation_date or establishment.creation_date,
        commune_code=commune_code,
        department_code=establishment.department_code,
        region_code=establishment.region_code,
        epci_code=epci_code,
    )
