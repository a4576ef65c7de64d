"""What the SIRENE importer shares: the stock files' columns, its errors, the NAF and territory
filters, and the result of a file's import."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.conf import settings

from filiere.core.imports import ImportReport
from filiere.taxonomy.importers import naf_digital_subsectors
from filiere.territories.models import Commune, Department

# The default NAF filter: the 25 sous-classes of the INSEE digital sector (definition c1385).
DIGITAL: Literal["digital"] = "digital"


NON_DIFFUSIBLE_NAME = "Non diffusible"


ND = "[ND]"


DEFAULT_BATCH_SIZE = 2000


PROGRESS_EVERY_LINES = 1 << 16


EtabKind = Literal["etablissement", "unite_legale"]


# Exact INSEE headers (2024 StockEtablissement, 2022 StockUniteLegale). INSEE appends columns over
# time (NAF 2025, société à mission): a header must contain all of these, extra columns are kept
# in `raw`, and every column is read by its index in the header, never by position.
ETABLISSEMENT_COLUMNS = (
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,trancheEffectifsEtablissement,"
    "anneeEffectifsEtablissement,activitePrincipaleRegistreMetiersEtablissement,"
    "dateDernierTraitementEtablissement,etablissementSiege,nombrePeriodesEtablissement,"
    "complementAdresseEtablissement,numeroVoieEtablissement,indiceRepetitionEtablissement,"
    "dernierNumeroVoieEtablissement,indiceRepetitionDernierNumeroVoieEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
    "libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,codeCommuneEtablissement,"
    "codeCedexEtablissement,libelleCedexEtablissement,codePaysEtrangerEtablissement,"
    "libellePaysEtrangerEtablissement,identifiantAdresseEtablissement,coordonneeLambertAbscisseEtablissement,"
    "coordonneeLambertOrdonneeEtablissement,complementAdresse2Etablissement,numeroVoie2Etablissement,"
    "indiceRepetition2Etablissement,typeVoie2Etablissement,libelleVoie2Etablissement,codePostal2Etablissement,"
    "libelleCommune2Etablissement,libelleCommuneEtranger2Etablissement,distributionSpeciale2Etablissement,"
    "codeCommune2Etablissement,codeCedex2Etablissement,libelleCedex2Etablissement,"
    "codePaysEtranger2Etablissement,libellePaysEtranger2Etablissement,dateDebut,"
    "etatAdministratifEtablissement,enseigne1Etablissement,enseigne2Etablissement,enseigne3Etablissement,"
    "denominationUsuelleEtablissement,activitePrincipaleEtablissement,"
    "nomenclatureActivitePrincipaleEtablissement,caractereEmployeurEtablissement"
).split(",")


UNITE_LEGALE_COLUMNS = (
    "siren,statutDiffusionUniteLegale,unitePurgeeUniteLegale,dateCreationUniteLegale,sigleUniteLegale,"
    "sexeUniteLegale,prenom1UniteLegale,prenom2UniteLegale,prenom3UniteLegale,prenom4UniteLegale,"
    "prenomUsuelUniteLegale,pseudonymeUniteLegale,identifiantAssociationUniteLegale,"
    "trancheEffectifsUniteLegale,anneeEffectifsUniteLegale,dateDernierTraitementUniteLegale,"
    "nombrePeriodesUniteLegale,categorieEntreprise,anneeCategorieEntreprise,dateDebut,"
    "etatAdministratifUniteLegale,nomUniteLegale,nomUsageUniteLegale,denominationUniteLegale,"
    "denominationUsuelle1UniteLegale,denominationUsuelle2UniteLegale,denominationUsuelle3UniteLegale,"
    "categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale,nomenclatureActivitePrincipaleUniteLegale,"
    "nicSiegeUniteLegale,economieSocialeSolidaireUniteLegale,caractereEmployeurUniteLegale"
).split(",")


RUN_KINDS: dict[str, str] = {"etablissement": "sirene_etablissement", "unite_legale": "sirene_unite_legale"}


# Fields the importer writes on an existing record (everything it owns except the key).
ETAB_UPDATE_FIELDS = [
    "is_head_office", "name", "sign", "address", "postcode", "city", "commune_id", "commune_code",
    "department_code", "region_code", "kind", "naf_code", "naf_nomenclature", "is_digital",
    "headcount_band", "headcount_year", "is_employer", "creation_date", "state", "closure_date",
    "is_diffusible", "search_text", "source", "raw", "source_hash", "updated_at",
]  # fmt: skip


UL_UPDATE_FIELDS = [
    "name", "acronym", "legal_category", "company_category", "naf_code", "headcount_band", "is_digital",
    "creation_date", "state", "closure_date", "is_diffusible", "is_ess", "kind", "source", "raw",
    "source_hash", "updated_at",
]  # fmt: skip


VACUUM_AFTER_ROWS = 10_000


class SireneFormatError(ValueError):
    """The file is not a SIRENE stock file (wrong header, not UTF-8, empty ZIP...)."""


class Rejected(ValueError):
    """A line refused by validation: the message is the reason shown in the report, `field` the
    column at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@functools.cache
def digital_naf_codes() -> frozenset[str]:
    """The 25 NAF rév. 2 sous-classes of the INSEE digital sector (c1385), read by taxonomy (the
    reference file, or INSEE's published list when the file is absent)."""
    return frozenset(naf_digital_subsectors())


def resolve_naf_codes(naf_codes: Iterable[str] | str | None) -> frozenset[str] | None:
    """`"digital"` → the c1385 codes, `None` or `"all"` → no filter, else the given codes."""
    if naf_codes is None or naf_codes == "all":
        return None
    if naf_codes == DIGITAL:
        return digital_naf_codes()
    if isinstance(naf_codes, str):
        naf_codes = naf_codes.split(",")
    return frozenset(code.strip().upper() for code in naf_codes if code.strip())


def department_of(commune_code: str) -> str:
    """Department code of an INSEE commune code: 21231 → 21, 2A004 → 2A, 97411 → 974."""
    if not commune_code:
        return ""
    return commune_code[:3] if commune_code.startswith("97") else commune_code[:2]


@dataclass
class Territories:
    """What the importer needs from the COG: known communes and each department's region."""

    communes: dict[str, tuple[str, str]]  # commune code → (department, region)
    department_regions: dict[str, str]

    @classmethod
    def load(cls) -> Territories:
        """From the territories tables; the department → region map falls back to the COG file."""

        communes = {
            code: (dep, reg)
            for code, dep, reg in Commune.objects.values_list("code", "department_id", "region_id")
        }
        department_regions = dict(Department.objects.values_list("code", "region_id"))
        if not department_regions:
            path = Path(settings.FILIERE_DATA_DIR) / "cog" / "departements.json"
            if path.exists():
                department_regions = {d["code"]: d["region"] for d in json.loads(path.read_text("utf-8"))}
        return cls(communes, department_regions)

    def locate(self, commune_code: str) -> tuple[str | None, str, str]:
        """(commune id if known, department code, region code) for a commune code."""
        known = self.communes.get(commune_code)
        if known is not None:
            return commune_code, known[0], known[1]
        department = department_of(commune_code)
        region = self.department_regions.get(department)
        if region is None:
            return None, "", ""
        return None, department, region


@dataclass(kw_only=True)
class ImportResult(ImportReport):
    """What one file's import did (`core.imports.ImportReport`, with the counters read, kept,
    filtered and duplicates); `run` is the `ImportRun` recorded for it (None for a scan)."""

    kind: str
    path: str
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "import_run_id": self.run_id,
            "kind": self.kind,
            "file": self.path,
            "status": self.run.status if self.run else "scan",
            "counts": self.counts,
            "rejected": self.counts.get("rejected", 0),
            "seconds": round(self.seconds, 3),
        }


def new_counts() -> dict[str, int]:
    return dict.fromkeys(
        ("read", "kept", "filtered", "created", "updated", "unchanged", "rejected", "duplicates"), 0
    )
