"""The buyer search: the same call for the page, the API, saved-search alerts and the benchmark.
An empty text browses the filtered firms; a text is ranked by the matching engine over the firms
the filters allow, with a small boost for the sectors it names and each hit explained."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from filiere.organisations.models import HeadcountBand

from .. import facets, ranking
from ..models import CompetenceDeclaration, DeclarationStatus, Sector, ShowcaseProfile
from .filters import ShowcaseFilters, detect_sectors, filter_profiles

PER_PAGE = 20
SEARCH_LIMIT = 50
MAX_PAGE = 10_000
SECTOR_BOOST = 1.25  # a firm that targets the sector named in the query ranks a little higher


@dataclass
class ShowcaseRow:
    """One firm in the results, with what the page shows."""

    organisation_id: int
    name: str
    score: float | None
    explanation: str
    matched_skills: list[str]
    sectors: list[str]
    capacity_now: int
    available_from: dt.date | None
    validated_count: int
    region_code: str
    department_code: str
    headcount_label: str
    is_generated: bool
    pitch: str
    validated_by: list[str] = field(default_factory=list)  # the clusters that validated


@dataclass
class ShowcaseResult:
    filters: ShowcaseFilters
    rows: list[ShowcaseRow] = field(default_factory=list)
    count: int = 0
    error: str = ""
    notice: str = ""
    detected_sectors: list[Sector] = field(default_factory=list)
    page: int = 1
    per_page: int = PER_PAGE
    ranked: bool = False
    limit: int = SEARCH_LIMIT

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def ids(self) -> list[int]:
        return [row.organisation_id for row in self.rows]


def _rows(profiles: list[ShowcaseProfile], hits: dict[int, Any], detected: list[Sector]) -> list[ShowcaseRow]:
    through = ShowcaseProfile.target_sectors.through
    sectors: dict[int, list[tuple[str, str]]] = {}
    for profile_id, code, label in through.objects.filter(
        showcaseprofile_id__in=[p.pk for p in profiles]
    ).values_list("showcaseprofile_id", "sector_id", "sector__label"):
        sectors.setdefault(profile_id, []).append((code, label))
    validators: dict[int, set[str]] = {}
    for organisation_id, cluster in CompetenceDeclaration.objects.filter(
        organisation_id__in=[p.pk for p in profiles],
        status=DeclarationStatus.VALIDATED,
        validated_for__isnull=False,
    ).values_list("organisation_id", "validated_for__name"):
        validators.setdefault(organisation_id, set()).add(cluster)
    detected_codes = {s.code for s in detected}
    rows = []
    for profile in profiles:
        hit = hits.get(profile.pk)
        own = sorted(sectors.get(profile.pk, []), key=lambda pair: pair[1])
        parts: list[str] = []
        if hit is not None:
            parts.extend(hit.explanation)
            matched_sectors = [label for code, label in own if code in detected_codes]
            if matched_sectors:
                parts.append(_("secteur : %(sectors)s") % {"sectors": ", ".join(matched_sectors).lower()})
        band = profile.headcount_band
        rows.append(
            ShowcaseRow(
                organisation_id=profile.pk,
                name=profile.organisation.name,
                score=getattr(hit, "score", None),
                explanation=" ; ".join(parts),
                matched_skills=list(getattr(hit, "matched_skills", []) or []),
                sectors=[label for _, label in own],
                capacity_now=profile.capacity_now,
                available_from=profile.available_from,
                validated_count=profile.validated_count,
                region_code=profile.region_code,
                department_code=profile.department_code,
                headcount_label=str(HeadcountBand(band).label) if band in HeadcountBand.values else "",
                is_generated=profile.organisation.is_generated,
                pitch=profile.pitch[:280],
                validated_by=sorted(validators.get(profile.pk, ())),
            )
        )
    return rows


def search_showcase(
    filters: ShowcaseFilters, *, page: int = 1, per_page: int = PER_PAGE, limit: int = SEARCH_LIMIT
) -> ShowcaseResult:
    """Search the showcase: the same call for the page, the API, saved-search alerts and the bench.

    An empty text browses the filtered firms (most available capacity first). A text is cleaned
    by the engine (its French UserTextError message is returned in `error`, never raised; a text
    cut at the engine's query limit searches on its start, with the French `notice`), then
    the engine ranks the firms the SQL filters allow; firms that target a sector the text names
    get a small boost and the sector in their explanation.
    """
    page = min(max(1, page), MAX_PAGE)  # a page number past any result must not reach SQL's OFFSET
    result = ShowcaseResult(filters=filters, page=page, per_page=per_page, limit=limit)
    try:
        query, result.notice = ranking.clean_query(filters.q) if filters.q.strip() else ("", "")
    except ranking.UserTextError as exc:
        result.error = str(exc)
        return result
    profiles = filter_profiles(filters)  # lazy: evaluated only when the arrays cannot answer
    if not query:
        start = (page - 1) * per_page
        browse = profiles
        picked = facets.browse_candidates(filters, start + per_page)
        if picked is None:
            result.count = profiles.count()
        else:
            result.count, candidates = picked
            if candidates is not None:  # sorting a few candidates, not every filtered firm
                browse = ShowcaseProfile.objects.filter(pk__in=candidates.tolist())
        chosen = list(
            browse.select_related("organisation").order_by("-capacity_now", "organisation__name", "pk")[
                start : start + per_page
            ]
        )
        result.rows = _rows(chosen, {}, [])
        return result
    result.ranked = True
    # The filters, evaluated once: the published firms they allow (the arrays, exact on every
    # call; SQL when they cannot answer). The engine ranks only these, so no hit needs a check.
    restrict = facets.profile_ids(filters)
    if restrict is None:
        restrict = _profile_ids(profiles)
    if not len(restrict):
        return result
    hits = ranking.search_documents(query, restrict_ids=restrict, limit=limit)
    by_id = {hit.doc_id: hit for hit in hits}
    allowed = set(by_id)
    detected = detect_sectors(query)
    result.detected_sectors = detected
    if detected:
        through = ShowcaseProfile.target_sectors.through
        boosted = set(
            through.objects.filter(
                showcaseprofile_id__in=list(allowed), sector_id__in=[s.code for s in detected]
            ).values_list("showcaseprofile_id", flat=True)
        )
    else:
        boosted = set()
    order = sorted(
        (pk for pk in by_id if pk in allowed),
        key=lambda pk: (-(by_id[pk].score * (SECTOR_BOOST if pk in boosted else 1.0)), pk),
    )
    result.count = len(order)
    start = (page - 1) * per_page
    shown = order[start : start + per_page]
    found = {p.pk: p for p in _row_profiles().filter(pk__in=shown)}
    result.rows = _rows([found[pk] for pk in shown if pk in found], by_id, detected)
    return result


def _profile_ids(profiles: QuerySet[ShowcaseProfile]) -> np.ndarray:
    """The ids a filtered queryset selects, as an array, without building a Python object per row.

    A broad filter (a big region, a common sector) selects tens of thousands of firms: through
    the ORM's row iterator that alone cost more than the whole ranking.
    """
    sql, params = profiles.values_list("pk", flat=True).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64)


def _row_profiles() -> QuerySet[ShowcaseProfile]:
    """Profiles with only what a result row shows (no organisation JSON columns to decode)."""
    return ShowcaseProfile.objects.select_related("organisation").only(
        "organisation__name",
        "organisation__is_generated",
        "pitch",
        "capacity_now",
        "available_from",
        "validated_count",
        "region_code",
        "department_code",
        "headcount_band",
    )


def all_matching_ids(filters: ShowcaseFilters) -> list[int]:
    """Every firm id a saved search currently matches (up to the engine's limit when ranked)."""
    result = search_showcase(filters, per_page=SEARCH_LIMIT)
    if result.error:
        return []
    if result.ranked:
        return result.ids
    return list(filter_profiles(filters).values_list("pk", flat=True)[:1000])
