"""Reads of the showcase shared by the pages, the API, the alerts and the benchmark.

Rights come from `filiere.organisations.permissions`: a firm's showcase is edited by whoever edits the
firm (`may_edit_organisation`); its declarations are validated by the staff of a cluster it is a
member of (`may_validate_organisation`). Every object named by a request is resolved by
`get_profile_for_user`, `get_declaration_for_user` or `get_contact_request_for_user`.
The buyer search is `search_showcase`: the filters give, once, the published firms the matching
engine may rank (`facets`, or SQL when the arrays cannot answer), then the engine ranks them and
explains each hit.

Length (at the 500-line mark): the access functions and the buyer search share the
published-firms QuerySet; split into a package (`access`, `search`) when it grows further.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.core.params import parse_int
from filiere.core.text import fold
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import HeadcountBand, Organisation
from filiere.taxonomy.models import Skill

from . import facets, ranking
from .models import (
    CompetenceDeclaration,
    ContactRequest,
    DeclarationStatus,
    SavedSearch,
    Sector,
    ShowcaseProfile,
)
from .sectors import LABELS_EN

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer

PER_PAGE = 20
SEARCH_LIMIT = 50
MAX_PAGE = 10_000
SECTOR_BOOST = 1.25  # a firm that targets the sector named in the query ranks a little higher

# Size bands a buyer picks, as INSEE headcount codes.
SIZE_BANDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tpe": ("TPE (moins de 10 salariés)", ("NN", "00", "01", "02", "03")),
    "pme": ("PME (10 à 249 salariés)", ("11", "12", "21", "22", "31")),
    "eti": ("ETI (250 à 4 999 salariés)", ("32", "41", "42", "51")),
    "ge": ("Grande entreprise (5 000 et plus)", ("52", "53")),
}


# --- Rights ---------------------------------------------------------------------------------


def can_edit_showcase(user: Viewer, organisation: Organisation | int) -> bool:
    """Whether `user` may edit a firm's showcase: whoever may edit the firm."""
    return organisation_permissions.may_edit_organisation(user, organisation)


def editable_organisations(user: Viewer) -> QuerySet[Organisation]:
    """Organisations whose showcase `user` edits through a membership (staff: none listed)."""
    return organisation_permissions.organisations_with_role(user).order_by("name")


# --- Access functions ---------------------------------------------------------------------------


def get_profile_for_user(user: Viewer, organisation_id: int) -> ShowcaseProfile:
    """The showcase profile of an organisation, if `user` may see it (else Http404).

    Published profiles are public; an unpublished one is visible to those who edit it and to
    validators. A firm with no profile yet gets an unsaved empty one for its editors.
    """
    if parse_int(organisation_id) is None:  # past the database's integers: names nothing
        raise Http404
    profile = ShowcaseProfile.objects.select_related("organisation").filter(pk=organisation_id).first()
    if profile is not None and profile.is_published:
        return profile
    if can_edit_showcase(user, organisation_id) or (
        profile is not None and organisation_permissions.may_validate_organisation(user, organisation_id)
    ):
        if profile is None:
            organisation = Organisation.objects.filter(pk=organisation_id).first()
            if organisation is None:
                raise Http404
            profile = ShowcaseProfile(organisation=organisation)
        return profile
    raise Http404


def get_declaration_for_user(
    user: Viewer, declaration_id: int, *, for_validation: bool = False
) -> CompetenceDeclaration:
    """A competence declaration that `user` edits (or validates, with `for_validation`)."""
    declaration = (
        CompetenceDeclaration.objects.select_related("organisation", "skill")
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None:
        raise Http404
    allowed = (
        organisation_permissions.may_validate_organisation(user, declaration.organisation_id)
        if for_validation
        else can_edit_showcase(user, declaration.organisation_id)
    )
    if not allowed:
        raise Http404
    return declaration


def contact_requests_for_user(user: Viewer) -> QuerySet[ContactRequest]:
    """Contact requests `user` may see: sent by them, or received by a firm they edit."""
    if not permissions.is_signed_in(user):
        return ContactRequest.objects.none()
    qs = ContactRequest.objects.select_related("organisation", "buyer", "buyer_organisation")
    if permissions.is_platform_staff(user):
        return qs
    editable = organisation_permissions.organisations_with_role(user).values("pk")
    return qs.filter(Q(buyer=user) | Q(organisation_id__in=editable))


def get_contact_request_for_user(user: Viewer, contact_id: int) -> ContactRequest:
    """One contact request the user is a party to (buyer, or editor of the target firm)."""
    contact = contact_requests_for_user(user).filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    return contact


def is_target_side(user: Viewer, contact: ContactRequest) -> bool:
    """Whether `user` answers for the firm a contact request was sent to."""
    return permissions.is_platform_staff(user) or permissions.has_role(user, contact.organisation_id)


def get_saved_search_for_user(user: Viewer, saved_id: int) -> SavedSearch:
    """A saved search of `user` (Http404 for anyone else's)."""
    if not permissions.is_signed_in(user):
        raise Http404
    saved = SavedSearch.objects.filter(pk=saved_id, user=user).first()
    if saved is None:
        raise Http404
    return saved


def pending_declarations(user: Viewer) -> QuerySet[CompetenceDeclaration]:
    """Declarations waiting for validation by `user`: those of the members of the clusters they
    validate for (all for platform staff), oldest first."""
    return (
        CompetenceDeclaration.objects.filter(
            status=DeclarationStatus.DRAFT,
            organisation__in=organisation_permissions.organisations_validated_by(user),
        )
        .select_related("organisation", "skill")
        .order_by("created_at", "pk")
    )


# --- Search -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowcaseFilters:
    """A buyer's search: free text and filters (empty = no filter)."""

    q: str = ""
    region: str = ""
    department: str = ""
    sector: tuple[str, ...] = ()
    capacity_min: int | None = None
    available_before: dt.date | None = None
    size: tuple[str, ...] = ()
    validated_only: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ShowcaseFilters:
        """Build filters from a QueryDict or a plain dict (saved searches); bad values are dropped."""

        def one(name: str) -> str:
            value = params.get(name)
            if isinstance(value, list):
                value = value[0] if value else ""
            return str(value or "").strip()

        def many(name: str, allowed: set[str]) -> tuple[str, ...]:
            getlist = getattr(params, "getlist", None)
            raw = getlist(name) if getlist else params.get(name) or []
            if isinstance(raw, str):
                raw = [raw]
            values: list[str] = []
            for value in raw:
                for part in str(value).split(","):
                    part = part.strip()
                    if part in allowed and part not in values:
                        values.append(part)
            return tuple(values)

        try:
            capacity = int(one("capacity_min")) if one("capacity_min") else None
            capacity = capacity if capacity and capacity > 0 else None
        except ValueError:
            capacity = None
        try:
            before = dt.date.fromisoformat(one("available_before")) if one("available_before") else None
        except ValueError:
            before = None
        code = re.compile(r"^[0-9AB]{2,3}$")
        region = one("region")[:3]
        department = one("department")[:3]
        return cls(
            q=str(params.get("q") or "") if not isinstance(params.get("q"), list) else str(params["q"][0]),
            region=region if code.match(region) else "",
            department=department if code.match(department) else "",
            sector=many("sector", set(Sector.objects.values_list("code", flat=True))),
            capacity_min=capacity,
            available_before=before,
            size=many("size", set(SIZE_BANDS)),
            validated_only=one("validated") in ("1", "true", "on", "oui"),
        )

    def as_params(self) -> list[tuple[str, str]]:
        """The search as query-string pairs."""
        pairs: list[tuple[str, str]] = []
        if self.q.strip():
            pairs.append(("q", self.q.strip()))
        for name in ("region", "department"):
            if getattr(self, name):
                pairs.append((name, getattr(self, name)))
        pairs.extend(("sector", code) for code in self.sector)
        if self.capacity_min:
            pairs.append(("capacity_min", str(self.capacity_min)))
        if self.available_before:
            pairs.append(("available_before", self.available_before.isoformat()))
        pairs.extend(("size", code) for code in self.size)
        if self.validated_only:
            pairs.append(("validated", "1"))
        return pairs

    def as_json(self) -> dict[str, Any]:
        """The filters (without the text) as JSON for a saved search."""
        data: dict[str, Any] = {}
        for name, value in self.as_params():
            if name == "q":
                continue
            if name in ("sector", "size"):
                data.setdefault(name, []).append(value)
            else:
                data[name] = value
        return data


def filter_profiles(filters: ShowcaseFilters, queryset: QuerySet | None = None) -> QuerySet[ShowcaseProfile]:
    """Published profiles that pass the filters (not ordered)."""
    qs = ShowcaseProfile.objects.filter(is_published=True) if queryset is None else queryset
    if filters.region:
        qs = qs.filter(region_code=filters.region)
    if filters.department:
        qs = qs.filter(department_code=filters.department)
    if filters.sector:
        through = ShowcaseProfile.target_sectors.through
        # EXISTS rather than IN (subquery): SQLite would build the whole list of the sector's
        # firms even to check the 50 ranked ones; EXISTS is one index probe per firm looked at.
        qs = qs.filter(
            Exists(through.objects.filter(showcaseprofile_id=OuterRef("pk"), sector_id__in=filters.sector))
        )
    if filters.capacity_min:
        qs = qs.filter(capacity_now__gte=filters.capacity_min)
    if filters.available_before:
        qs = qs.filter(Q(capacity_now__gt=0) | Q(available_from__lte=filters.available_before))
    if filters.size:
        bands = [band for code in filters.size for band in SIZE_BANDS[code][1]]
        qs = qs.filter(headcount_band__in=bands)
    if filters.validated_only:
        qs = qs.filter(validated_count__gt=0)
    return qs


def buyer_sectors() -> QuerySet[Sector]:
    """The buyer-facing application sectors, in their display order (read by promotion)."""
    return Sector.objects.all()


def contacts_by_id(ids: list[int]) -> dict[int, ContactRequest]:
    """Contact requests by id, for an app that keeps their ids (promotion's leads)."""
    return {c.pk: c for c in ContactRequest.objects.filter(pk__in=ids)}


def sector_label(sector: Sector) -> str:
    """The sector's label in the active language (English from `sectors.LABELS_EN`)."""
    if translation.get_language() == "en":
        return LABELS_EN.get(sector.code, sector.label)
    return sector.label


def get_buyer_sector(code: str) -> Sector:
    """The sector named by a request, else 404."""
    sector = Sector.objects.filter(code=str(code)[:30]).first()
    if sector is None:
        raise Http404
    return sector


def detect_sectors(text: str) -> list[Sector]:
    """Sectors named in a buyer's text by their folded keywords ("ferroviaire" → rail)."""
    folded = f" {' '.join(re.findall(r'[a-z0-9-]+', fold(text)))} "
    return [s for s in Sector.objects.all() if any(f" {kw} " in folded for kw in s.keywords)]


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


# --- Profile page -------------------------------------------------------------------------------


def profile_declarations(
    organisation_id: int, *, include_rejected: bool = False
) -> QuerySet[CompetenceDeclaration]:
    """A firm's declared competences, validated first, then by skill label."""
    qs = CompetenceDeclaration.objects.filter(organisation_id=organisation_id).select_related(
        "skill", "validated_by", "validated_for"
    )
    if not include_rejected:
        qs = qs.exclude(status=DeclarationStatus.REJECTED)
    return qs.order_by("-capacity_available_now", "skill__label")


def profile_skill_ids(organisation_id: int) -> list[int]:
    """The skills a firm declares (rejected ones excluded)."""
    return list(
        CompetenceDeclaration.objects.filter(organisation_id=organisation_id)
        .exclude(status=DeclarationStatus.REJECTED)
        .values_list("skill_id", flat=True)
    )


def territory_skill_ids(region_code: str) -> list[int]:
    """The skills declared by the published firms of a region (rejected ones excluded)."""
    return list(
        CompetenceDeclaration.objects.filter(
            organisation__showcase_profile__is_published=True,
            organisation__showcase_profile__region_code=region_code,
        )
        .exclude(status=DeclarationStatus.REJECTED)
        .order_by()
        .values_list("skill_id", flat=True)
        .distinct()
    )


def search_skills(text: str, *, limit: int = 20) -> list[Any]:
    """Taxonomy skills for a firm's editor typing a competence: label contains the words."""

    words = [w for w in re.findall(r"\w+", text or "") if len(w) > 1][:5]
    if not words:
        return []
    qs = Skill.objects.all()
    for word in words:
        qs = qs.filter(label__icontains=word)
    return list(qs.order_by("label")[:limit])
