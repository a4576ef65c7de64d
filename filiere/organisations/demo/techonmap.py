"""TechOnMap: 2,120 Île-de-France digital-ecosystem actors (2015), ODbL.

Each GeoJSON feature becomes an organisation (source=techonmap) with one establishment placed on
its COG commune (postcode + folded city; Paris 750xx → the arrondissement 751xx). The ODbL
attribution is kept in the description and the raw record.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from filiere.organisations.demo.common import (
    CommuneIndex,
    CommuneRow,
    build_establishment,
    data_dir,
    split_place,
)
from filiere.organisations.models import Establishment, Kind, Organisation, Source

ATTRIBUTION = "Source : TechOnMap (La Fonderie, Île-de-France), 2015 — licence ODbL."

CATEGORY_KINDS: dict[str, str] = {
    "Entreprise": Kind.COMPANY,
    "Tiers-lieu": Kind.THIRD_PLACE,
    "Incubateur": Kind.INCUBATOR,
    "École": Kind.SCHOOL,
    "Investisseur": Kind.INVESTOR,
    "Communauté": Kind.COMMUNITY,
    "Acteur public": Kind.PUBLIC_BODY,
}

BATCH = 500
IDF_DEPARTMENTS = ("75", "77", "78", "91", "92", "93", "94", "95")


def techonmap_path() -> Path:
    return data_dir() / "ecosystem" / "techonmap_data.json.gz"


def read_features(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """The GeoJSON features of the TechOnMap export."""
    with gzip.open(path or techonmap_path(), "rt", encoding="utf-8") as handle:
        yield from json.load(handle)["features"]


def _creation_date(value: Any) -> dt.date | None:
    try:
        year = int(str(value).strip()[:4])
    except ValueError:
        return None
    return dt.date(year, 1, 1) if 1800 <= year <= 2030 else None


def _website(value: Any) -> str:
    url = str(value or "").strip()
    if url and "://" not in url:
        url = f"http://{url}"
    return url[:200] if url.startswith(("http://", "https://")) else ""


def feature_key(feature: dict[str, Any]) -> str:
    """The TechOnMap id of a feature (the key of its organisation's `raw`)."""
    return str(feature["properties"].get("id") or feature.get("id"))


def feature_hash(feature: dict[str, Any]) -> str:
    """The digest a rerun compares with the organisation's `source_hash`."""
    return hashlib.md5(json.dumps(feature, sort_keys=True).encode(), usedforsecurity=False).hexdigest()


def feature_kind(props: dict[str, Any]) -> str:
    return CATEGORY_KINDS.get(props.get("category", ""), Kind.COMPANY)


def place(props: dict[str, Any], communes: CommuneIndex) -> tuple[str, str, str, CommuneRow | None]:
    """(address, postcode, city, commune) of a feature's properties."""
    address = (props.get("address") or "").strip()
    postcode, city = split_place(str(props.get("postcode") or ""), props.get("city") or "", address)
    commune = communes.match(postcode, city) or (communes.find_name(city, regions={"11"}) if city else None)
    return address, postcode, city, commune


def build_actor(
    feature: dict[str, Any], communes: CommuneIndex, *, digest: str | None = None
) -> tuple[Organisation, Establishment]:
    """One feature → an unsaved organisation and its establishment (`digest`: its
    `feature_hash` when the caller has it)."""
    props = feature["properties"]
    coords = (feature.get("geometry") or {}).get("coordinates") or [None, None]
    tags = [str(t).strip() for t in props.get("tags") or [] if str(t).strip()]
    description = (props.get("description") or "").strip()
    year = _creation_date(props.get("creationyear"))
    raw = {
        "techonmap_id": feature_key(feature),
        "properties": props,
        "creation_date_precision": "year",
        "attribution": ATTRIBUTION,
    }
    org = Organisation(
        source=Source.TECHONMAP,
        kind=feature_kind(props),
        name=(props.get("name") or "").strip()[:255],
        description=f"{description}\n\n{ATTRIBUTION}" if description else ATTRIBUTION,
        website=_website(props.get("url")),
        tags=tags,
        creation_date=year,
        raw=raw,
        source_hash=digest or feature_hash(feature),
    )
    address, postcode, city, commune = place(props, communes)
    department = postcode[:2] if postcode[:2] in IDF_DEPARTMENTS else ""
    establishment = build_establishment(
        org,
        commune=commune,
        address=address[:255],
        postcode=postcode[:10],
        region_code="11",
        department_code=department,
        tags=[*tags, props.get("category", "")],
        latitude=coords[1],
        longitude=coords[0],
        raw={"techonmap_id": raw["techonmap_id"]},
    )
    if commune is None:
        establishment.city = city[:100]
    if org.kind == Kind.COMPANY:
        # TechOnMap maps the Île-de-France digital ecosystem: its companies are digital-sector
        # firms whose NAF code it does not give. Without this, the home page and the observatory
        # counted no digital establishment in Île-de-France.
        org.is_digital = establishment.is_digital = True
    return org, establishment


@dataclass
class TechOnMapResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unplaced: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)


@transaction.atomic
def load_techonmap(communes: CommuneIndex, *, path: Path | None = None) -> TechOnMapResult:
    """Import (or refresh) the TechOnMap actors; idempotent, keyed on the TechOnMap id."""
    result = TechOnMapResult()
    existing = {
        (raw or {}).get("techonmap_id"): (pk, digest)
        for pk, raw, digest in Organisation.objects.filter(source=Source.TECHONMAP).values_list(
            "pk", "raw", "source_hash"
        )
    }
    new: list[tuple[Organisation, Establishment]] = []
    for feature in read_features(path):
        key, digest = feature_key(feature), feature_hash(feature)
        if key in existing and existing[key][1] == digest:
            # Unchanged upstream: counted (kind, placed or not) without building the actor.
            props = feature["properties"]
            result.by_kind[feature_kind(props)] += 1
            result.unplaced += place(props, communes)[3] is None
            result.unchanged += 1
            continue
        org, establishment = build_actor(feature, communes, digest=digest)
        result.by_kind[org.kind] += 1
        result.unplaced += establishment.commune_id is None
        if key not in existing:
            new.append((org, establishment))
            existing[key] = (None, org.source_hash)
            continue
        pk, _digest = existing[key]
        # Changed upstream: refresh what a person has not edited, and the establishment.
        current = Organisation.objects.get(pk=pk)
        for name in ("kind", "name", "description", "website", "tags", "creation_date", "raw", "source_hash"):
            if name not in current.edited_fields:
                setattr(current, name, getattr(org, name))
        current.save()
        current.establishments.filter(source=Source.TECHONMAP).delete()
        establishment.organisation = current
        Establishment.objects.bulk_create([establishment])
        result.updated += 1
    # Databases loaded before TechOnMap companies counted as digital (records unchanged upstream).
    stale = Organisation.objects.filter(source=Source.TECHONMAP, kind=Kind.COMPANY, is_digital=False)
    if stale.exists():
        Establishment.objects.filter(organisation__in=stale, source=Source.TECHONMAP).update(is_digital=True)
        stale.update(is_digital=True)
    for start in range(0, len(new), BATCH):
        chunk = new[start : start + BATCH]
        Organisation.objects.bulk_create([org for org, _ in chunk])
        for org, establishment in chunk:
            establishment.organisation = org
        Establishment.objects.bulk_create([establishment for _, establishment in chunk])
        result.created += len(chunk)
    return result
