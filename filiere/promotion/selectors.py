"""Reads of the public region pages and of the staff's curated entries.

A region page puts the region staff's published entries on top of what the other apps compute,
each read through that app's selectors: key figures (observatory), clusters, schools and labs
(organisations), firms by buyer sector (showcase), support on offer (support), upcoming events
(events). Access functions: `get_entry_for_user` (staff), `get_region_by_slug` and
`get_public_entry` (everyone; unknown or unpublished → 404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.text import slugify

from filiere.accounts import permissions
from filiere.events import selectors as events
from filiere.observatory import selectors as observatory
from filiere.organisations import permissions as organisation_rules
from filiere.organisations import selectors as directory
from filiere.organisations.models import Kind, Organisation
from filiere.showcase import selectors as showcase
from filiere.support import selectors as support
from filiere.territories.models import Region, Zone

from .models import Entry, EntryKind, EntryStatus, Lead, Prospect, ProspectStatus

#: How many organisations of each kind, events and services a region page lists.
PAGE_LIMIT = 8
#: Seconds the computed part of a region page is kept (figures, lists); curated entries are read
#: fresh, so a publication shows at once.
COMPUTED_TTL = 600


# --- Rights -------------------------------------------------------------------------------------


def may_edit_region(user: Any, region_code: str) -> bool:
    """The region's staff and platform staff curate its public pages."""
    return permissions.is_platform_staff(user) or permissions.is_regional_admin(user, region_code)


def may_review_entry(user: Any, entry: Entry) -> bool:
    """Four eyes: a regional admin of the entry's region other than its submitter, or platform
    staff (who may review their own submission, so a region with one admin still publishes)."""
    if permissions.is_platform_staff(user):
        return True
    return permissions.is_regional_admin(user, entry.region_id) and entry.submitted_by_id != user.pk


def regions_curated_by(user: Any) -> QuerySet[Region]:
    """Regions whose pages `user` curates (all for platform staff)."""
    regions = Region.objects.defer("outline")
    if permissions.is_platform_staff(user):
        return regions
    return regions.filter(code__in=permissions.administered_region_codes(user))


def get_curated_region(user: Any, code: str) -> Region:
    """The region `code` for its staff (and platform staff); 404 for anyone else."""
    region = Region.objects.defer("outline").filter(code=code[:3]).first()
    if region is None or not may_edit_region(user, region.code):
        raise Http404
    return region


def get_entry_for_user(user: Any, pk: int) -> Entry:
    """The entry `pk` for its region's staff; 404 for anyone else (drafts are not public)."""
    entry = Entry.objects.select_related("region").filter(pk=pk).first()
    if entry is None or not may_edit_region(user, entry.region_id):
        raise Http404
    return entry


def entries_for_staff(user: Any, region_code: str) -> QuerySet[Entry]:
    if not may_edit_region(user, region_code):
        raise Http404
    return Entry.objects.filter(region_id=region_code).prefetch_related("organisations")


def entries_to_review(user: Any) -> list[Entry]:
    """Entries waiting for `user`'s review (not the ones they submitted, unless platform staff)."""
    waiting = Entry.objects.filter(
        status=EntryStatus.IN_REVIEW, region__in=regions_curated_by(user)
    ).select_related("region")
    return [entry for entry in waiting if may_review_entry(user, entry)]


# --- Regions ------------------------------------------------------------------------------------


def region_slug(region: Region) -> str:
    return slugify(region.name)


def public_regions() -> list[tuple[Region, str, int]]:
    """Metropolitan and overseas regions with their slug and number of published entries."""
    counts: dict[str, int] = {}
    for code in Entry.objects.online().values_list("region_id", flat=True):
        counts[code] = counts.get(code, 0) + 1
    regions = Region.objects.defer("outline").exclude(zone=Zone.COM)
    return [(region, region_slug(region), counts.get(region.code, 0)) for region in regions]


def get_region_by_slug(slug: str) -> Region:
    """The region whose name slugifies to `slug` (or whose code is `slug`), else 404."""
    for region in Region.objects.defer("outline"):
        if region_slug(region) == slug or region.code == slug:
            return region
    raise Http404


# --- Published entries --------------------------------------------------------------------------


def online_entries(region_code: str, kind: str | None = None) -> list[Entry]:
    entries = Entry.objects.online().filter(region_id=region_code)
    if kind:
        entries = entries.filter(kind=kind)
    return list(entries.order_by("kind", "order", "pk"))


def get_public_entry(region_code: str, kind: str, slug: str) -> Entry:
    """A published entry named by a public URL, else 404."""
    entry = Entry.objects.online().filter(region_id=region_code, kind=kind, slug=slug).first()
    if entry is None:
        raise Http404
    return entry


def published_organisations(entry: Entry) -> list[Organisation]:
    """The organisations of the published version, in their published order, diffusible only."""
    ids = [int(pk) for pk in entry.published.get("organisation_ids", [])]
    found = {o.pk: o for o in Organisation.objects.filter(pk__in=ids, is_diffusible=True)}
    return [found[pk] for pk in ids if pk in found]


def showcase_organisation_ids(organisation_ids: list[int]) -> set[int]:
    """Which of these organisations have a published showcase page (linked instead of the directory)."""
    published = showcase.filter_profiles(showcase.ShowcaseFilters())
    return set(
        published.filter(organisation_id__in=organisation_ids).values_list("organisation_id", flat=True)
    )


# --- What the platform computes ------------------------------------------------------------------


@dataclass
class KeyFigures:
    year: int | None = None
    establishments: int = 0
    jobs: int = 0
    creations: int = 0
    growth: float | None = None
    official: list[Any] = field(default_factory=list)  # observatory.FigureRow
    women_share: Any = None  # the latest published share of women (FigureRow) or None


def key_figures(region_code: str) -> KeyFigures:
    """The latest year of the observatory's series for the region, and its published figures."""
    territory = observatory.get_territory("region", region_code)
    bounds = observatory.year_bounds()
    year = observatory.default_end_year(bounds)
    figures = KeyFigures()
    series = observatory.territory_series(territory, observatory.Period(year, year))
    if series and series[-1].active:
        row = series[-1]
        figures = KeyFigures(row.year, row.active, row.jobs, row.creations, row.growth)
    official = observatory.official_figures(territory)
    latest: dict[str, Any] = {}
    for figure in official:
        latest[figure.indicator] = figure  # ordered by indicator then year: the last one wins
    figures.official = list(latest.values())
    figures.women_share = latest.get("women_share")
    return figures


def organisations_of_kind(
    region_code: str, kinds: tuple[str, ...], limit: int = PAGE_LIMIT
) -> list[Organisation]:
    """Diffusible active organisations of these kinds with an establishment in the region."""
    establishments = directory.filter_establishments(
        directory.DirectoryFilters(region=(region_code,), kind=kinds, state=("A",))
    )
    ids = list(establishments.values_list("organisation_id", flat=True).distinct()[: limit * 3])
    organisations = Organisation.objects.filter(pk__in=ids, is_diffusible=True).order_by("name")
    return list(organisations[:limit])


def buyer_sector_firms(region_code: str, sector_code: str, limit: int = 30) -> list[Any]:
    """Published showcase profiles of the region's firms that serve this buyer sector."""
    profiles = showcase.filter_profiles(showcase.ShowcaseFilters(region=region_code, sector=(sector_code,)))
    return list(
        profiles.select_related("organisation").order_by("-validated_count", "organisation__name")[:limit]
    )


def get_buyer_sector(code: str) -> Any:
    return showcase.get_buyer_sector(code)


def sector_labels() -> dict[str, str]:
    """Buyer sector labels by code, in the visitor's language."""
    return {sector.code: showcase.sector_label(sector) for sector in showcase.buyer_sectors()}


@dataclass
class RegionPage:
    region: Region
    slug: str
    intro: Entry | None
    excellence: list[Entry]
    pitches: list[Entry]
    stories: list[Entry]
    contacts: list[Entry]
    portraits: list[Entry]
    figures: KeyFigures
    clusters: list[Organisation]
    schools: list[Organisation]
    labs: list[Organisation]
    services: list[Any]
    events: list[Any]
    leading_firms: dict[int, list[Organisation]] = field(default_factory=dict)
    showcased: set[int] = field(default_factory=set)


def _computed(region_code: str) -> dict[str, Any]:
    """The computed part of a region page, cached for COMPUTED_TTL per region and language."""
    key = f"promotion:region:{region_code}:{translation.get_language()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    catalogue = support.search_catalogue(support.CatalogueFilters(region=region_code))
    computed = {
        "figures": key_figures(region_code),
        "clusters": organisations_of_kind(region_code, (Kind.CLUSTER,)),
        "schools": organisations_of_kind(region_code, (Kind.SCHOOL, Kind.TRAINING_BODY)),
        "labs": organisations_of_kind(region_code, (Kind.LAB, Kind.TECHNOPOLE, Kind.INCUBATOR)),
        "services": [row.service for row in catalogue[:PAGE_LIMIT]],
        "events": list(events.public_events(events.EventFilters(region=region_code))[:5]),
    }
    cache.set(key, computed, COMPUTED_TTL)
    return computed


def region_page(region: Region) -> RegionPage:
    """Everything the public page of `region` shows."""
    entries = online_entries(region.code)
    by_kind: dict[str, list[Entry]] = {kind: [] for kind in EntryKind.values}
    for entry in entries:
        by_kind[entry.kind].append(entry)
    computed = _computed(region.code)
    leading = {entry.pk: published_organisations(entry) for entry in by_kind[EntryKind.EXCELLENCE]}
    ids = [o.pk for firms in leading.values() for o in firms]
    return RegionPage(
        region=region,
        slug=region_slug(region),
        intro=by_kind[EntryKind.INTRO][0] if by_kind[EntryKind.INTRO] else None,
        excellence=by_kind[EntryKind.EXCELLENCE],
        pitches=by_kind[EntryKind.PITCH],
        stories=by_kind[EntryKind.STORY],
        contacts=by_kind[EntryKind.CONTACT],
        portraits=by_kind[EntryKind.PORTRAIT],
        leading_firms=leading,
        showcased=showcase_organisation_ids(ids),
        **computed,
    )


def get_cluster_for_region(region: Region, pk: int) -> Organisation:
    """A cluster of the directory with an establishment in the region, else 404."""
    organisation = directory.get_organisation_for_user(None, pk)
    if organisation.kind != Kind.CLUSTER or not organisation.is_diffusible:
        raise Http404
    if region.code not in directory.organisation_region_codes(organisation):
        raise Http404
    return organisation


def cluster_members(cluster: Organisation, limit: int = 40) -> list[Organisation]:
    return list(
        organisation_rules.cluster_members(cluster).filter(is_diffusible=True).order_by("name")[:limit]
    )


def cluster_events(cluster: Organisation) -> list[Any]:
    return list(events.public_events(events.EventFilters(organiser=cluster.pk))[:5])


# --- Territorial marketing ------------------------------------------------------------------------


def get_prospect_for_user(user: Any, pk: int) -> Prospect:
    """A prospect for its region's staff; 404 for anyone else."""
    prospect = Prospect.objects.filter(pk=pk).first()
    if prospect is None or not may_edit_region(user, prospect.region_id):
        raise Http404
    return prospect


def prospects_of_region(user: Any, region_code: str) -> QuerySet[Prospect]:
    if not may_edit_region(user, region_code):
        raise Http404
    return Prospect.objects.filter(region_id=region_code)


@dataclass
class LeadRow:
    lead: Lead
    contact: Any  # showcase.ContactRequest, read through its selectors (None if deleted)


def lead_rows(prospect: Prospect) -> list[LeadRow]:
    leads = list(prospect.leads.select_related("organisation"))
    contacts = showcase.contacts_by_id([lead.contact_id for lead in leads])
    return [LeadRow(lead, contacts.get(lead.contact_id)) for lead in leads]


@dataclass
class ResultRow:
    sector: str
    country: str
    prospects: int = 0
    actions: int = 0
    leads: int = 0
    answered: int = 0
    deals: int = 0
    amount: Decimal = Decimal(0)
    won: int = 0


def marketing_results(region_code: str) -> list[ResultRow]:
    """Per buyer sector and country: prospects, actions, leads handed to firms, leads the firms
    answered, deals signed (and their amount, from the showcase's follow-up), prospects won."""
    labels = {sector.code: showcase.sector_label(sector) for sector in showcase.buyer_sectors()}
    rows: dict[tuple[str, str], ResultRow] = {}
    prospects = list(
        Prospect.objects.filter(region_id=region_code).annotate(n_actions=Count("actions", distinct=True))
    )
    leads = list(
        Lead.objects.filter(prospect__region_id=region_code).values_list("prospect_id", "contact_id")
    )
    contacts = showcase.contacts_by_id([contact_id for _p, contact_id in leads])
    by_prospect: dict[int, list[Any]] = {}
    for prospect_id, contact_id in leads:
        by_prospect.setdefault(prospect_id, []).append(contacts.get(contact_id))
    for prospect in prospects:
        key = (labels.get(prospect.buyer_sector, prospect.buyer_sector), prospect.country)
        row = rows.setdefault(key, ResultRow(*key))
        row.prospects += 1
        row.actions += prospect.n_actions
        row.won += prospect.status == ProspectStatus.WON
        for contact in by_prospect.get(prospect.pk, []):
            row.leads += 1
            if contact is None:
                continue
            row.answered += contact.answered_at is not None or contact.deal_signed_at is not None
            if contact.deal_signed_at is not None:
                row.deals += 1
                row.amount += contact.deal_amount or 0
    return sorted(rows.values(), key=lambda r: (r.sector, r.country))


def firms_for_prospect(prospect: Prospect) -> list[Any]:
    """The region's published showcase firms serving the prospect's sector (lead candidates)."""
    return buyer_sector_firms(prospect.region_id, prospect.buyer_sector, limit=50)
