"""Shared helpers for the demo loaders: the commune index, the digital NAF list, establishments."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings

from filiere.core.text import fold
from filiere.organisations.models import Establishment, Organisation
from filiere.organisations.search import search_text_for
from filiere.taxonomy.importers import naf_digital_subsectors
from filiere.territories.models import Commune

#: Regions the demo fills: the four of the seed articles, plus Île-de-France through TechOnMap.
DEMO_REGIONS: dict[str, str] = {
    "27": "Bourgogne-Franche-Comté",
    "44": "Grand Est",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "11": "Île-de-France",
}

NOT_LOADED_MESSAGE = (
    "Les territoires ne sont pas chargés dans la base. Lancez d'abord : filiere reference load"
)


class DemoNotReady(Exception):
    """The reference data the demo needs (territories) is missing."""


def data_dir() -> Path:
    """The reference data directory (`settings.FILIERE_DATA_DIR`)."""
    return Path(settings.FILIERE_DATA_DIR)


@functools.cache
def digital_naf_codes() -> frozenset[str]:
    """The 25 NAF sous-classes of the INSEE c1385 digital sector, as "62.01Z" (taxonomy's reader)."""
    return frozenset(naf_digital_subsectors())


def is_digital(naf_code: str) -> bool:
    """True if the NAF code (with or without the dot) is in the c1385 list."""
    if not naf_code:
        return False
    code = naf_code if "." in naf_code else f"{naf_code[:2]}.{naf_code[2:]}"
    return code in digital_naf_codes()


_SAINT = re.compile(r"\b(st|ste)\b")
_CEDEX = re.compile(r"\bcedex\b.*$")


@functools.lru_cache(maxsize=65_536)
def fold_city(name: str) -> str:
    """A commune name folded for matching: accents, case, hyphens, "St" → "saint", no CEDEX.

    Kept per name: a commune index folds the 37,600 names each time it is read (a test module
    or `filiere demo` reads it several times) and matching folds the candidates' names again."""
    text = fold(name).replace("-", " ").replace("'", " ")
    text = _CEDEX.sub("", text)
    text = _SAINT.sub(lambda m: "saint" if m.group(1) == "st" else "sainte", text)
    return " ".join(text.split())


_POSTCODE = re.compile(r"\b(\d{5})\b\s*(.*)")


def split_place(postcode: str, city: str, address: str = "") -> tuple[str, str]:
    """(postcode, city) from fields where people typed them anywhere ("75002 Paris" as postcode)."""
    postcode, city = (postcode or "").strip(), (city or "").strip()
    if re.fullmatch(r"\d{5}", postcode):
        return postcode, city
    for text in (f"{postcode} {city}", address or ""):
        found = _POSTCODE.search(text)
        if found:
            return found.group(1), (found.group(2).strip() or city)
    return postcode.replace(" ", ""), city


class CommuneRow(NamedTuple):
    """One commune of the index (a named tuple: built 37,000 times a load, three times faster than
    a frozen dataclass)."""

    code: str
    name: str
    department: str
    region: str
    postcodes: tuple[str, ...]
    population: int
    kind: str


class CommuneIndex:
    """All communes in memory, indexed by code, postcode and folded name (one query)."""

    def __init__(self, rows: list[CommuneRow]) -> None:
        self.by_code = {row.code: row for row in rows}
        self.by_postcode: dict[str, list[CommuneRow]] = defaultdict(list)
        self.by_name: dict[str, list[CommuneRow]] = defaultdict(list)
        self._by_department: dict[str, list[CommuneRow]] = {}
        by_postcode, by_name = self.by_postcode, self.by_name
        for row in rows:
            for postcode in row.postcodes:
                by_postcode[postcode].append(row)
            by_name[fold_city(row.name)].append(row)

    @classmethod
    def load(cls) -> CommuneIndex:
        """Read every commune from the database."""
        rows = [
            CommuneRow(code, name, dep, reg, tuple(pcs or ()), pop or 0, kind)
            for code, name, dep, reg, pcs, pop, kind in Commune.objects.values_list(
                "code", "name", "department_id", "region_id", "postcodes", "population", "kind"
            ).iterator(chunk_size=5000)
        ]
        return cls(rows)

    def __len__(self) -> int:
        return len(self.by_code)

    def get(self, code: str | None) -> CommuneRow | None:
        return self.by_code.get(code) if code else None

    def match(self, postcode: str, city: str, address: str = "") -> CommuneRow | None:
        """The commune of an address: by postcode, then folded name; Paris 750xx → arrondissement.

        Copes with what hand-entered data holds: the postcode typed into the city or the address
        field, CEDEX codes, "Cergy-Pontoise" for Cergy, "Boulogne" for Boulogne-Billancourt.
        """
        postcode, city = split_place(postcode, city, address)
        folded = fold_city(city)
        if postcode.startswith("75") and (not folded or folded.startswith("paris")):
            cedex = re.search(r"cedex (\d{1,2})$", fold(city))
            number = int(cedex.group(1)) if cedex else (16 if postcode == "75116" else int(postcode[3:]))
            arrondissement = self.by_code.get(f"751{number:02d}") if 1 <= number <= 20 else None
            if arrondissement:
                return arrondissement
            if not folded or folded == "paris":
                return self.by_code.get("75056")
        candidates = [c for c in self.by_postcode.get(postcode, []) if c.kind != "commune-deleguee"]
        if len(candidates) == 1:
            return candidates[0]
        named = [c for c in candidates if fold_city(c.name) == folded]
        if named:
            return named[0]
        # A CEDEX or a mistyped postcode: the name (exact, then a prefix) within the department.
        department = postcode[:2]
        if folded and department:
            exact = [c for c in self.by_name.get(folded, []) if c.department.startswith(department)]
            if exact:
                return max(exact, key=lambda c: c.population)
            if len(folded) >= 4:
                near = [
                    c
                    for c in self._current_in(department)
                    if folded.startswith(f"{fold_city(c.name)} ")
                    or fold_city(c.name).startswith(f"{folded} ")
                ]
                if near:
                    return max(near, key=lambda c: c.population)
        if candidates:
            return max(candidates, key=lambda c: c.population)
        return None

    def _current_in(self, department: str) -> list[CommuneRow]:
        if department not in self._by_department:
            self._by_department[department] = [
                c
                for c in self.by_code.values()
                if c.department == department and c.kind == "commune-actuelle"
            ]
        return self._by_department[department]

    def find_name(self, name: str, *, regions: set[str] | None = None) -> CommuneRow | None:
        """The most populous current commune with this name (optionally within some regions)."""
        rows = [
            c
            for c in self.by_name.get(fold_city(name), [])
            if c.kind == "commune-actuelle" and (regions is None or c.region in regions)
        ]
        return max(rows, key=lambda c: c.population) if rows else None

    def in_territory(self, region: str, departments: tuple[str, ...] = ()) -> list[CommuneRow]:
        """Current communes of a region, optionally limited to some departments."""
        return [
            c
            for c in self.by_code.values()
            if c.region == region
            and c.kind == "commune-actuelle"
            and (not departments or c.department in departments)
        ]


def build_establishment(
    organisation: Organisation,
    *,
    commune: CommuneRow | None,
    name: str = "",
    sign: str = "",
    address: str = "",
    postcode: str = "",
    region_code: str = "",
    department_code: str = "",
    tags: list[str] | tuple[str, ...] = (),
    latitude: float | None = None,
    longitude: float | None = None,
    is_head_office: bool = True,
    raw: dict[str, Any] | None = None,
) -> Establishment:
    """An unsaved establishment with every denormalised column filled from its organisation and commune."""
    city = commune.name if commune else ""
    if commune and not postcode and commune.postcodes:
        postcode = commune.postcodes[0]
    display_name = name or organisation.name
    return Establishment(
        organisation=organisation,
        source=organisation.source,
        is_head_office=is_head_office,
        name=display_name,
        sign=sign,
        address=address,
        postcode=postcode,
        city=city,
        commune_id=commune.code if commune else None,
        commune_code=commune.code[:5] if commune else "",
        department_code=commune.department if commune else department_code,
        region_code=commune.region if commune else region_code,
        kind=organisation.kind,
        naf_code=organisation.naf_code,
        naf_nomenclature="NAFRev2" if organisation.naf_code else "",
        is_digital=is_digital(organisation.naf_code),
        headcount_band=organisation.headcount_band,
        creation_date=organisation.creation_date,
        state=organisation.state,
        closure_date=organisation.closure_date,
        latitude=latitude,
        longitude=longitude,
        raw=raw,
        search_text=search_text_for(display_name, sign, city, postcode, tags=[*tags, organisation.acronym]),
    )


def check_territories() -> None:
    """Raise `DemoNotReady` unless the communes of the demo regions are in the database."""
    # One row is enough (a DISTINCT over the regions' 20,000 communes cost 0.8 s a run).
    if not Commune.objects.filter(region_id__in=DEMO_REGIONS).exists():
        raise DemoNotReady(NOT_LOADED_MESSAGE)
