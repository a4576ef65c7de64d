"""The per-kind logic: which columns an establishment (`EtablissementSpec`) or a legal unit
(`UniteLegaleSpec`) keeps, how a line is validated and how a batch is written, and the search
text refreshed after a write."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from django.utils import timezone

from filiere.organisations.models import Establishment, Kind, Organisation, Source, State
from filiere.organisations.search import search_text_for

from .base import (
    ETAB_UPDATE_FIELDS,
    ND,
    NON_DIFFUSIBLE_NAME,
    UL_UPDATE_FIELDS,
    EtabKind,
    Rejected,
    Territories,
    digital_naf_codes,
)
from .reading import clean_value, is_digit_code, parse_date
from .writing import RowWriter, existing_rows

# The columns `EtablissementSpec.fields` reads, in the order it unpacks them.
_ETAB_PICKED = (
    "siret", "etablissementSiege", "codeCommuneEtablissement", "enseigne1Etablissement",
    "enseigne2Etablissement", "enseigne3Etablissement", "numeroVoieEtablissement",
    "indiceRepetitionEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement",
    "complementAdresseEtablissement", "distributionSpecialeEtablissement", "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement", "codePostalEtablissement", "denominationUsuelleEtablissement",
    "etatAdministratifEtablissement", "anneeEffectifsEtablissement", "caractereEmployeurEtablissement",
    "activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement",
    "trancheEffectifsEtablissement", "dateCreationEtablissement", "dateDebut", "statutDiffusionEtablissement",
)  # fmt: skip


class EtablissementSpec:
    kind: EtabKind = "etablissement"
    key_column = "siret"

    def __init__(self, header: list[str], territories: Territories, regions: set[str] | None,
                 departments: set[str] | None) -> None:  # fmt: skip
        ix = {name: i for i, name in enumerate(header)}
        self.header = header
        self.ncols = len(header)
        self.ix = ix
        self.i_siren, self.i_siret, self.i_naf = (
            ix["siren"],
            ix["siret"],
            ix["activitePrincipaleEtablissement"],
        )
        self.i_commune = ix["codeCommuneEtablissement"]
        self._pick = itemgetter(*(ix[column] for column in _ETAB_PICKED))
        self.territories = territories
        self.regions = regions
        self.departments = departments
        self.digital = digital_naf_codes()
        self.establishments = RowWriter(Establishment)
        self.organisations = RowWriter(Organisation)

    def in_territory(self, row: list[str]) -> bool:
        if self.regions is None and self.departments is None:
            return True
        _, department, region = self.territories.locate(row[self.i_commune])
        if self.departments is not None and department not in self.departments:
            return False
        return self.regions is None or region in self.regions

    def validate(self, row: list[str]) -> str:
        siren, siret = row[self.i_siren], row[self.i_siret]
        if not is_digit_code(siren, 9):
            raise Rejected(f"SIREN invalide ({siren!r}, 9 chiffres attendus)", "siren")
        if not is_digit_code(siret, 14) or not siret.startswith(siren):
            raise Rejected(
                f"SIRET invalide ({siret!r}, 14 chiffres commençant par le SIREN attendus)", "siret"
            )
        state = row[self.ix["etatAdministratifEtablissement"]]
        if state not in ("A", "F"):
            raise Rejected(f"état administratif inconnu ({state!r})", "etatAdministratifEtablissement")
        parse_date(row[self.ix["dateCreationEtablissement"]], "dateCreationEtablissement")
        parse_date(row[self.ix["dateDebut"]], "dateDebut")
        return siret

    def fields(self, row: list[str], line: str, source_hash: str, org_name: str) -> dict[str, Any]:
        (siret, head_office, commune_code, sign1, sign2, sign3, number, repetition, street_type,
         street_name, complement, special, city, foreign_city, postcode, name, state, year, employer,
         naf, nomenclature, band, created, started, diffusion) = self._pick(row)  # fmt: skip
        clean = clean_value
        commune_id, department, region = self.territories.locate(commune_code)
        sign = " ".join([s for s in (clean(sign1), clean(sign2), clean(sign3)) if s])[:255]
        street = " ".join(
            [p for p in (clean(number), clean(repetition), clean(street_type), clean(street_name)) if p]
        )
        address = ", ".join([p for p in (clean(complement), street, clean(special)) if p])
        city = clean(city) or clean(foreign_city)
        postcode = clean(postcode)
        name = clean(name)[:255]
        return {
            "siret": siret,
            "is_head_office": head_office == "true",
            "name": name,
            "sign": sign,
            "address": address[:255],
            "postcode": postcode[:10],
            "city": city[:100],
            "commune_id": commune_id,
            "commune_code": commune_code[:5],
            "department_code": department,
            "region_code": region,
            "kind": Kind.COMPANY,
            "naf_code": naf[:6],
            "naf_nomenclature": nomenclature[:8],
            "is_digital": naf in self.digital,
            "headcount_band": band[:2],
            "headcount_year": int(year) if year.isdigit() else None,
            "is_employer": True if employer == "O" else False if employer == "N" else None,
            "creation_date": parse_date(created, "dateCreationEtablissement"),
            "state": State.CLOSED if state == "F" else State.ACTIVE,
            "closure_date": parse_date(started, "dateDebut") if state == "F" else None,
            "is_diffusible": diffusion == "O",
            "search_text": search_text_for(org_name, name, sign, city, postcode),
            "source": Source.SIRENE,
            "raw": {k: v for k, v in zip(self.header, row, strict=True) if v},
            "source_hash": source_hash,
        }

    def placeholder_name(self, row: list[str]) -> str:
        """A name for an organisation first seen through one of its establishments."""
        for column in ("denominationUsuelleEtablissement", "enseigne1Etablissement"):
            value = clean_value(row[self.ix[column]])
            if value:
                return value[:255]
        return f"SIREN {row[self.i_siren]}"

    def write(self, batch: dict[str, tuple[int, str, list[str], str]], counts: dict[str, int]) -> None:
        """Upsert one batch of establishments (SIRET → line number, line, row, hash)."""
        existing = existing_rows(Establishment, "siret", batch, ("id", "source_hash", "edited_fields"))
        todo = []
        for siret, entry in batch.items():
            known = existing.get(siret)
            if known is not None and known[1] == entry[3]:
                counts["unchanged"] += 1
            else:
                todo.append((entry, known))
        if not todo:
            return
        orgs = self._organisations({entry[2][self.i_siren]: entry[2] for entry, _ in todo})
        now = timezone.now()
        new, plain, edited = [], [], {}
        for (_, line, row, digest), known in todo:
            org_id, org_name = orgs[row[self.i_siren]]
            values = self.fields(row, line, digest, org_name)
            if known is None:
                values["organisation_id"] = org_id
                new.append(values)
            elif not known[2]:
                plain.append((known[0], values))
            else:
                edited[known[0]] = (values, set(known[2]), org_name)
        self.establishments.insert(new)
        self.establishments.update(plain, ETAB_UPDATE_FIELDS)
        if edited:
            objects = list(Establishment.objects.filter(pk__in=list(edited)))
            for obj in objects:
                values, locked, org_name = edited[obj.pk]
                for name, value in values.items():
                    if name not in locked:
                        setattr(obj, name, value)
                obj.updated_at = now
                if "search_text" not in locked:
                    obj.search_text = search_text_for(org_name, obj.name, obj.sign, obj.city, obj.postcode)
            Establishment.objects.bulk_update(objects, ETAB_UPDATE_FIELDS)
        counts["created"] += len(new)
        counts["updated"] += len(plain) + len(edited)

    def _organisations(self, rows: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
        """SIREN → (organisation id, name used for search), creating the unknown ones."""
        found = existing_rows(Organisation, "siren", rows, ("id", "name", "is_diffusible"))
        missing = [
            {
                "siren": siren,
                "name": self.placeholder_name(row),
                "kind": Kind.COMPANY,
                "source": Source.SIRENE,
            }
            for siren, row in rows.items()
            if siren not in found
        ]
        if missing:
            names = {o["siren"]: o["name"] for o in missing}
            inserted = self.organisations.insert(missing, returning=("siren", "id"))
            if not inserted:
                inserted = list(Organisation.objects.filter(siren__in=list(names)).values_list("siren", "pk"))
            found.update((siren, (pk, names[siren], True)) for siren, pk in inserted)
        return {siren: (pk, _searchable(name, diffusible)) for siren, (pk, name, diffusible) in found.items()}


class UniteLegaleSpec:
    kind: EtabKind = "unite_legale"
    key_column = "siren"

    def __init__(self, header: list[str], *_: Any) -> None:
        self.header = header
        self.ncols = len(header)
        self.ix = {name: i for i, name in enumerate(header)}
        self.i_siren, self.i_naf = self.ix["siren"], self.ix["activitePrincipaleUniteLegale"]
        self.digital = digital_naf_codes()
        self.organisations = RowWriter(Organisation)

    def in_territory(self, row: list[str]) -> bool:
        return True  # a legal unit has no address: the territory filter keeps units already known

    def validate(self, row: list[str]) -> str:
        siren = row[self.i_siren]
        if not is_digit_code(siren, 9):
            raise Rejected(f"SIREN invalide ({siren!r}, 9 chiffres attendus)", "siren")
        parse_date(row[self.ix["dateCreationUniteLegale"]], "dateCreationUniteLegale")
        parse_date(row[self.ix["dateDebut"]], "dateDebut")
        return siren

    def name(self, row: list[str]) -> tuple[str, bool]:
        """(display name, whether INSEE masks it): never invent a name for a non-diffusible unit."""
        ix = self.ix
        for column in ("denominationUniteLegale", "denominationUsuelle1UniteLegale"):
            value = row[ix[column]].strip()
            if value == ND:
                return NON_DIFFUSIBLE_NAME, True
            if value:
                return value[:255], False
        first = row[ix["prenomUsuelUniteLegale"]].strip() or row[ix["prenom1UniteLegale"]].strip()
        last = row[ix["nomUsageUniteLegale"]].strip() or row[ix["nomUniteLegale"]].strip()
        if ND in (first, last):
            return NON_DIFFUSIBLE_NAME, True
        person = " ".join(p for p in (first, last) if p)
        return (person[:255], False) if person else (f"SIREN {row[self.i_siren]}", False)

    def fields(self, row: list[str], line: str, source_hash: str) -> dict[str, Any]:
        ix = self.ix
        name, masked = self.name(row)
        closed = row[ix["etatAdministratifUniteLegale"]] == "C"
        naf = row[self.i_naf]
        return {
            "siren": row[self.i_siren],
            "name": name,
            "acronym": clean_value(row[ix["sigleUniteLegale"]])[:60],
            "legal_category": row[ix["categorieJuridiqueUniteLegale"]][:4],
            "company_category": row[ix["categorieEntreprise"]][:3],
            "naf_code": naf[:6],
            "headcount_band": row[ix["trancheEffectifsUniteLegale"]][:2],
            "is_digital": naf in self.digital,
            "creation_date": parse_date(row[ix["dateCreationUniteLegale"]], "dateCreationUniteLegale"),
            "state": State.CLOSED if closed else State.ACTIVE,
            "closure_date": parse_date(row[ix["dateDebut"]], "dateDebut") if closed else None,
            "is_diffusible": row[ix["statutDiffusionUniteLegale"]] == "O" and not masked,
            "is_ess": row[ix["economieSocialeSolidaireUniteLegale"]] == "O",
            "kind": Kind.COMPANY,
            "source": Source.SIRENE,
            "raw": {k: v for k, v in zip(self.header, row, strict=True) if v},
            "source_hash": source_hash,
        }

    def write(self, batch: dict[str, tuple[int, str, list[str], str]], counts: dict[str, int]) -> None:
        """Upsert one batch of legal units (SIREN → line number, line, row, hash)."""
        existing = existing_rows(Organisation, "siren", batch, ("id", "source_hash", "edited_fields", "name"))
        now = timezone.now()
        new, plain, edited, renamed = [], [], {}, set()
        for siren, (_, line, row, digest) in batch.items():
            known = existing.get(siren)
            if known is not None and known[1] == digest:
                counts["unchanged"] += 1
                continue
            values = self.fields(row, line, digest)
            if known is None:
                new.append(values)
                continue
            if known[2]:
                edited[known[0]] = (values, set(known[2]))
            else:
                plain.append((known[0], values))
            if "name" not in known[2] and values["name"] != known[3]:
                renamed.add(known[0])
        self.organisations.insert(new)
        self.organisations.update(plain, UL_UPDATE_FIELDS)
        if edited:
            objects = list(Organisation.objects.filter(pk__in=list(edited)))
            for obj in objects:
                values, locked = edited[obj.pk]
                for name, value in values.items():
                    if name not in locked:
                        setattr(obj, name, value)
                obj.updated_at = now
            Organisation.objects.bulk_update(objects, UL_UPDATE_FIELDS)
        if renamed:
            _refresh_search_text(renamed)
        counts["created"] += len(new)
        counts["updated"] += len(plain) + len(edited)


def _searchable(name: str, diffusible: bool) -> str:
    """The organisation name establishments index: not a placeholder, not a masked unit."""
    return name if diffusible and not name.startswith("SIREN ") else ""


def _refresh_search_text(organisation_ids: set[int]) -> None:
    """Establishments index their organisation's name: recompute it after a rename."""
    establishments = list(
        Establishment.objects.filter(organisation_id__in=organisation_ids)
        .select_related("organisation")
        .only(
            "pk",
            "name",
            "sign",
            "city",
            "postcode",
            "edited_fields",
            "organisation__name",
            "organisation__is_diffusible",
        )  # fmt: skip
    )
    changed = []
    for est in establishments:
        if "search_text" in est.edited_fields:
            continue
        org = est.organisation
        est.search_text = search_text_for(
            _searchable(org.name, org.is_diffusible), est.name, est.sign, est.city, est.postcode
        )
        changed.append(est)
    Establishment.objects.bulk_update(changed, ["search_text"])
