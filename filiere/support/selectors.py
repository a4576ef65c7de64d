"""Reads of the support app: a firm's facts, eligibility, catalogue, proposals, access, history.

Every object a request names goes through a `get_<thing>_for_user` function here, which asks
`accounts.permissions` and `organisations.permissions` (docs/permissions.md, docs/support.md):
hidden → Http404, visible but not allowed → PermissionDenied.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from filiere.accounts import permissions
from filiere.core.text import fold
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import Establishment, HeadcountBand, Kind, Organisation
from filiere.organisations.selectors import naf_label
from filiere.territories.models import Commune, Department, Region

from . import indexing
from .models import (
    OPEN_STATUSES,
    Engagement,
    Referral,
    Service,
    SupportRequest,
    Survey,
    Theme,
    firm_key,
)

SIRET_RE = re.compile(r"^\d{14}$")
# A firm key: a SIREN, or "D" + directory id for an organisation without one (models.firm_key).
FIRM_KEY_RE = re.compile(r"^(\d{9}|D\d{8})$")


class FirmLookupError(ValueError):
    """A SIRET that is malformed or not in the directory (the message is for the visitor)."""


# --- A firm's facts from the directory (SIRENE) ------------------------------------------------


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


# --- Eligibility --------------------------------------------------------------------------------


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


# --- Catalogue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueFilters:
    query: str = ""
    theme: str = ""
    region: str = ""
    department: str = ""
    regional_aid: bool = False
    free: bool = False


@dataclass
class CatalogueRow:
    service: Service
    explanation: list[str] = field(default_factory=list)


def covers_department(service: Service, department_code: str, region_code: str, epci_codes: set[str]) -> bool:
    """Whether the service is open to firms of the department (wholly or in part)."""
    return (
        service.is_national
        or department_code in service.department_codes
        or region_code in service.region_codes
        or bool(epci_codes & set(service.epci_codes))
    )


def epcis_of_department(department_code: str) -> set[str]:
    return set(
        Commune.objects.filter(department_id=department_code)
        .exclude(epci_id=None)
        .values_list("epci_id", flat=True)
        .distinct()
    )


def search_catalogue(filters: CatalogueFilters) -> list[CatalogueRow]:
    """Published services matching the filters; with a query, ranked by the matching engine
    (with its explanation), else by theme and title. Raises `indexing.UserTextError`."""
    services = Service.objects.published().select_related("provider").prefetch_related("funders")
    if filters.theme:
        services = services.filter(theme=filters.theme)
    if filters.regional_aid:
        services = services.filter(is_regional_aid_scheme=True)
    if filters.free:
        services = services.filter(is_free=True)
    rows = list(services)
    if filters.department:
        region = (
            Department.objects.filter(code=filters.department).values_list("region_id", flat=True).first()
        )
        epcis = epcis_of_department(filters.department)
        rows = [s for s in rows if covers_department(s, filters.department, region or "", epcis)]
    elif filters.region:
        departments = set(Department.objects.filter(region_id=filters.region).values_list("code", flat=True))
        rows = [
            s
            for s in rows
            if s.is_national
            or filters.region in s.region_codes
            or departments & set(s.department_codes)
            or (
                s.epci_codes
                and Commune.objects.filter(region_id=filters.region, epci_id__in=s.epci_codes).exists()
            )
        ]
    if not filters.query.strip():
        return [CatalogueRow(s) for s in sorted(rows, key=lambda s: (s.get_theme_display(), s.title))]
    by_id = {s.pk: s for s in rows}
    hits = indexing.search(filters.query, restrict_ids=list(by_id), limit=max(len(by_id), 1))
    return [CatalogueRow(by_id[hit.doc_id], hit.explanation) for hit in hits if hit.doc_id in by_id]


# --- Proposals for a need --------------------------------------------------------------------

# Words of a need (folded) that name a theme: a service of that theme ranks higher, and the
# proposal says which words made the link.
THEME_WORDS: dict[str, tuple[str, ...]] = {
    Theme.TRANSFORMATION: ("numerique", "digital", "erp", "crm", "logiciel", "outil", "dematerialis", "site"),
    Theme.CYBERSECURITY: ("cyber", "securite", "piratage", "rancon", "attaque", "rgpd", "sauvegarde"),
    Theme.DATA_AI: ("donnee", "data", "intelligence artificielle", "ia ", "algorithme", "machine learning"),
    Theme.INNOVATION: ("innov", "prototype", "r&d", "recherche", "brevet", "proto"),
    Theme.FUNDING: ("financ", "subvention", "aide", "pret", "lever", "levee", "fonds", "investis"),
    Theme.EXPORT: ("export", "international", "etranger", "salon", "ces", "marche"),
    Theme.SKILLS: ("recrut", "competence", "former", "formation", "embauch", "alternan"),
    Theme.CREATION: ("creer", "creation", "start", "startup", "incub", "accelera", "jeune pousse"),
    Theme.INDUSTRY: ("industri", "usine", "production", "4.0", "atelier", "robot", "capteur"),
    Theme.MARKETING: (
        "vente en ligne",
        "e-commerce",
        "ecommerce",
        "marketing",
        "client",
        "boutique",
        "reseaux sociaux",
    ),
}


def themes_in(text: str) -> dict[str, list[str]]:
    """Themes named by a need, each with the words that named it."""
    folded = f" {fold(text)} "
    found: dict[str, list[str]] = {}
    for theme, words in THEME_WORDS.items():
        hits = [word.strip() for word in words if word in folded]
        if hits:
            found[theme] = hits
    return found


@dataclass
class Proposal:
    """A service proposed for a need, with why (the engine's reading, theme, eligibility)."""

    service: Service
    score: float
    reasons: list[str]


def propose_services(
    facts: FirmFacts, need: str, *, limit: int = 5, today: dt.date | None = None
) -> list[Proposal]:
    """The services a firm is eligible for, ranked for its need: the engine's text match, the
    themes its words name, then the most local coverage. Raises `indexing.UserTextError` on an
    empty need."""
    eligible, _blocked = services_for_firm(facts, today=today)
    if not eligible:
        indexing.search(need, restrict_ids=[], limit=1)  # still refuse an empty or binary need
        return []
    by_id = {e.service.pk: e for e in eligible}
    hits = {hit.doc_id: hit for hit in indexing.search(need, restrict_ids=list(by_id), limit=len(by_id))}
    themes = themes_in(need)
    best = max((hit.score for hit in hits.values()), default=0.0) or 1.0
    proposals = []
    for service_id, eligibility in by_id.items():
        service = eligibility.service
        hit = hits.get(service_id)
        reasons: list[str] = []
        score = 0.0
        if hit is not None:
            score += hit.score / best
            if hit.explanation:
                reasons.append(_("Votre besoin : %(why)s") % {"why": " ; ".join(hit.explanation)})
        if service.theme in themes:
            score += 0.6
            reasons.append(
                _("Thème %(theme)s (« %(words)s »)")
                % {"theme": service.get_theme_display(), "words": ", ".join(themes[service.theme])}
            )
        if score == 0:
            continue
        score += 0.1 * eligibility.territory_level
        proposals.append(Proposal(service, score, reasons + eligibility.reasons))
    proposals.sort(key=lambda p: (-p.score, p.service.title))
    return proposals[:limit]


# --- Rights -----------------------------------------------------------------------------------


def provider_ids() -> QuerySet:
    """Ids of organisations that offer at least one published service."""
    return Service.objects.published().values("provider_id")


def is_support_adviser(user: Any) -> bool:
    """An adviser of the network: a member (any role) of a provider of a published service, or
    platform staff. They may file a request for any firm."""
    if permissions.is_platform_staff(user):
        return True
    ids = permissions.organisation_ids_of(user)
    return bool(ids) and Service.objects.published().filter(provider_id__in=ids).exists()


def may_file_for(user: Any, organisation: Organisation) -> bool:
    """File a request for `organisation`: its editors and admins, or an adviser of the network."""
    return permissions.has_role(user, organisation, permissions.EDITING_ROLES) or is_support_adviser(user)


def may_answer_for(user: Any, provider: Any) -> bool:
    """Answer a referral (take it in charge, close it) for `provider`: its members, platform staff."""
    return permissions.is_platform_staff(user) or permissions.has_role(
        user, provider, permissions.ADVISER_ROLES
    )


def may_manage_services_of(user: Any, provider: Any) -> bool:
    """Create and change a provider's services: who may edit the organisation."""
    return organisation_permissions.may_edit_organisation(user, provider)


def requests_visible_to(user: Any) -> QuerySet[SupportRequest]:
    """Requests `user` may read: those they filed, their firm's, those routed to their structure."""
    if not permissions.is_signed_in(user):
        return SupportRequest.objects.none()
    if permissions.is_platform_staff(user):
        return SupportRequest.objects.all()
    ids = permissions.organisation_ids_of(user)
    return SupportRequest.objects.filter(
        Q(created_by=user) | Q(organisation_id__in=ids) | Q(referrals__provider_id__in=ids)
    ).distinct()


def get_request_for_user(user: Any, pk: Any) -> SupportRequest:
    """The request `pk` if `user` may read it, else Http404."""
    try:
        return requests_visible_to(user).select_related("organisation", "created_by").get(pk=pk)
    except (SupportRequest.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Demande inconnue") from None


def get_referral_for_user(user: Any, pk: Any) -> Referral:
    """A referral `user` may act on (its provider's members): 404 if its request is hidden from
    them, 403 if they see the request but do not answer for that provider."""
    try:
        referral = Referral.objects.select_related("request", "service", "provider").get(pk=pk)
    except (Referral.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Orientation inconnue") from None
    if not requests_visible_to(user).filter(pk=referral.request_id).exists():
        raise Http404("Orientation inconnue")
    if not may_answer_for(user, referral.provider_id):
        raise PermissionDenied
    return referral


def get_service_for_user(user: Any, pk: Any, *, manage: bool = False) -> Service:
    """A published service (or one the user manages); with `manage`, 403 unless they manage it."""
    try:
        service = Service.objects.select_related("provider").get(pk=pk)
    except (Service.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Service inconnu") from None
    manages = may_manage_services_of(user, service.provider)
    if not service.is_published and not manages:
        raise Http404("Service inconnu")
    if manage and not manages:
        raise PermissionDenied
    return service


def get_survey_by_token(token: str) -> Survey:
    """The survey behind a private link (the link is the right), or Http404."""
    try:
        return Survey.objects.select_related("referral__request__organisation", "referral__service").get(
            token=token, sent_at__isnull=False
        )
    except Survey.DoesNotExist:
        raise Http404("Lien inconnu") from None


def referrals_to_answer(user: Any) -> QuerySet[Referral]:
    """Referrals of the structures `user` answers for (all for platform staff), open ones first."""
    if not permissions.is_signed_in(user):
        return Referral.objects.none()
    referrals = Referral.objects.select_related("request__organisation", "service", "provider")
    if not permissions.is_platform_staff(user):
        referrals = referrals.filter(provider_id__in=permissions.organisation_ids_of(user))
    return referrals


def open_referral_count(user: Any) -> int:
    return referrals_to_answer(user).filter(status__in=OPEN_STATUSES).count()


def managed_providers(user: Any) -> QuerySet[Organisation]:
    """Providers whose services `user` manages: organisations they edit that offer services, or
    that are not companies (a cluster, a technopole… starting its first service)."""
    edited = organisation_permissions.organisations_with_role(user, permissions.EDITING_ROLES)
    return edited.filter(Q(support_services__isnull=False) | ~Q(kind=Kind.COMPANY)).distinct()


# --- One support history per SIREN ------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a firm's support history, whichever app wrote it."""

    date: dt.date | None
    kind: str
    label: str
    provider: str
    provider_id: int | None = None
    app: str = ""


def _entry(raw: Any, app: str) -> HistoryEntry:
    get = raw.get if isinstance(raw, Mapping) else lambda name, default=None: getattr(raw, name, default)
    when = get("date")
    if isinstance(when, dt.datetime):
        when = timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    provider = get("provider", "")
    provider_id = get("provider_id")
    if isinstance(provider, Organisation):
        provider_id, provider = provider.pk, provider.name
    return HistoryEntry(
        when, str(get("kind", "")), str(get("label", "")), str(provider or ""), provider_id, app
    )


def support_entries_for_siren(siren: str) -> list[dict[str, Any]]:
    """The support app's own contribution to the history: requests routed and support given."""
    entries: list[dict[str, Any]] = []
    for referral in Referral.objects.filter(request__siren=siren).select_related(
        "provider", "service", "request"
    ):
        entries.append(
            {
                "date": referral.request.created_at,
                "kind": _("Demande orientée"),
                "label": f"{referral.service.title} — {referral.get_status_display()}",
                "provider": referral.provider,
            }
        )
    for engagement in Engagement.objects.filter(siren=siren, referral=None).select_related(
        "provider", "service"
    ):
        entries.append(
            {
                "date": engagement.date,
                "kind": engagement.get_kind_display(),
                "label": engagement.label or (engagement.service.title if engagement.service else ""),
                "provider": engagement.provider,
            }
        )
    return entries


def history_functions() -> list[tuple[str, Any]]:
    """(app label, function) for every installed app whose AppConfig names `support_history`."""
    return [
        (config.label, import_string(config.support_history))  # type: ignore[attr-defined]
        for config in apps.get_app_configs()
        if getattr(config, "support_history", None)
    ]


def support_history(siren: str) -> list[HistoryEntry]:
    """Every app's entries for the firm `siren`, newest first."""
    entries = [_entry(raw, label) for label, function in history_functions() for raw in function(siren)]
    return sorted(entries, key=lambda e: (e.date or dt.date.min, e.kind, e.label), reverse=True)


def may_see_history(user: Any, siren: str, entries: Iterable[HistoryEntry] = ()) -> bool:
    """The firm's own people, the providers that support it (a referral, support given or an entry
    of another app naming them), platform staff."""
    if not permissions.is_signed_in(user):
        return False
    if permissions.is_platform_staff(user):
        return True
    ids = permissions.organisation_ids_of(user)
    if not ids:
        return False
    if organisations_of_key(siren).filter(pk__in=ids).exists():
        return True
    if Referral.objects.filter(request__siren=siren, provider_id__in=ids).exists():
        return True
    if Engagement.objects.filter(siren=siren, provider_id__in=ids).exists():
        return True
    return any(entry.provider_id in ids for entry in entries)


def get_history_for_user(user: Any, siren: str) -> tuple[Organisation | None, list[HistoryEntry]]:
    """(the firm, its history) if `user` may see it; Http404 otherwise (nor whether it exists)."""
    if not FIRM_KEY_RE.match(siren or ""):
        raise Http404("SIREN inconnu")
    entries = support_history(siren)
    if not may_see_history(user, siren, entries):
        raise Http404("Historique inconnu")
    return organisations_of_key(siren).first(), entries


def organisations_of_key(key: str) -> QuerySet[Organisation]:
    """The organisation a firm key names (see `models.firm_key`)."""
    if key.startswith("D"):
        return Organisation.objects.filter(pk=int(key[1:]), siren=None)
    return Organisation.objects.filter(siren=key)


def firms_with_history(user: Any) -> list[tuple[Organisation, str]]:
    """The user's own companies and their firm keys: whose history they may open from their space."""
    organisations = organisation_permissions.organisations_with_role(user, permissions.ADVISER_ROLES).filter(
        kind=Kind.COMPANY
    )
    return [(organisation, firm_key(organisation)) for organisation in organisations.order_by("name")[:20]]
