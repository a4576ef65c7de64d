"""Reads of the talent app: access functions, matching, skill gaps, the programme dashboard and
the GDPR export. Views, the API, the demo and the benchmark all call these.

Access rules are `filiere.accounts.permissions` (advisers, `people_visible_to`, `may_see_person`,
`may_erase_person`, `may_publish_offer_for`): an adviser is a member of a structure (France
Travail agency, Mission locale, cluster…); they see the people their structure follows and the
people who have a file in a programme their structure runs; a partner structure of a programme
sees only the people it follows; nobody else (404). Every read of a person by someone else than
themselves (profile, programme file, cohort list, name search) is logged (`services.log_access`).
Platform staff see everything.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.accounts.permissions import is_adviser, people_visible_to
from filiere.core.text import fold
from filiere.matching import services as engine

from . import geo, indexing
from .dashboard import Dashboard, Figures, Follow, programme_dashboard  # noqa: F401 (the selector)
from .models import (
    AccessLog,
    Application,
    ApplicationStatus,
    Cohort,
    Consent,
    ConsentPurpose,
    File,
    FileState,
    JobOffer,
    JobSeeker,
    OfferStatus,
    Programme,
    SeekerDepartment,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer

# -- access ----------------------------------------------------------------------------------


__all__ = ["is_adviser", "people_visible_to"]  # the advisers' rights, asked here by the views


def get_seeker_for_user(user: Viewer, pk: int, *, what: str = "profil") -> JobSeeker:
    """A person the user may see (adviser of their structure or programme, or the person
    themselves); 404 otherwise. An adviser's access is logged with `what`."""
    from .services import log_access

    if permissions.is_signed_in(user):
        own = JobSeeker.objects.filter(pk=pk, user=user).first()
        if own is not None:
            return own
    seeker = people_visible_to(user).filter(pk=pk).select_related("structure", "adviser", "commune").first()
    if seeker is None:
        raise Http404(_("Personne introuvable."))
    log_access(seeker=seeker, user=user, what=what)
    return seeker


def own_seeker(user: Viewer) -> JobSeeker | None:
    """The job-seeker profile of the signed-in person, if any."""
    if not permissions.is_signed_in(user):
        return None
    return JobSeeker.objects.filter(user=user, anonymised_at__isnull=True).first()


def programmes_for_user(user: Viewer) -> QuerySet[Programme]:
    """Programmes the user may follow: run by or partnered with their structure, in a region they
    administer, or all for staff."""
    if not permissions.is_signed_in(user):
        return Programme.objects.none()
    if permissions.is_platform_staff(user):
        return Programme.objects.all()
    ids = permissions.structure_ids(user)
    regions = permissions.administered_region_codes(user)
    return Programme.objects.filter(
        Q(structure_id__in=ids) | Q(partners__in=ids) | Q(region_id__in=regions)
    ).distinct()


def can_manage_programme(user: Viewer, programme: Programme) -> bool:
    """Whether the user may create cohorts and move files (member of the running structure)."""
    return permissions.is_platform_staff(user) or programme.structure_id in permissions.structure_ids(user)


def get_programme_for_user(user: Viewer, pk: int) -> Programme:
    programme = programmes_for_user(user).filter(pk=pk).select_related("structure", "region").first()
    if programme is None:
        raise Http404(_("Programme introuvable."))
    return programme


def get_cohort_for_user(user: Viewer, pk: int) -> Cohort:
    cohort = (
        Cohort.objects.filter(pk=pk, programme__in=programmes_for_user(user))
        .select_related("programme")
        .first()
    )
    if cohort is None:
        raise Http404(_("Promotion introuvable."))
    return cohort


def get_file_for_user(user: Viewer, pk: int) -> File:
    """A programme file: for members of the running structure, and advisers of the person
    (a partner structure: only the people it follows). The read is logged."""
    from .services import log_access

    file = (
        File.objects.filter(pk=pk)
        .filter(Q(cohort__programme__in=programmes_for_user(user)) | Q(seeker__in=people_visible_to(user)))
        .select_related("cohort__programme", "seeker")
        .first()
    )
    if file is None:
        raise Http404(_("Dossier introuvable."))
    if not can_manage_programme(user, file.cohort.programme) and not permissions.may_see_person(
        user, file.seeker
    ):
        raise Http404(_("Dossier introuvable."))
    log_access(seeker=file.seeker, user=user, what=f"dossier {file.pk}")
    return file


def can_edit_offer(user: Viewer, offer: JobOffer) -> bool:
    """An offer is edited by the editors of the company named on it (`may_publish_offer_for`)."""
    return permissions.may_publish_offer_for(user, offer.organisation_id)


def get_offer_for_user(user: Viewer, pk: int) -> JobOffer:
    """An offer: open offers are public; others only for the company's editors."""
    offer = JobOffer.objects.filter(pk=pk).select_related("organisation", "rome_metier", "commune").first()
    if offer is None or (offer.status != OfferStatus.OPEN and not can_edit_offer(user, offer)):
        raise Http404(_("Offre introuvable."))
    return offer


def open_offers() -> QuerySet[JobOffer]:
    return JobOffer.objects.filter(status=OfferStatus.OPEN).select_related("organisation", "commune")


def active_purposes(seeker: JobSeeker) -> set[str]:
    return set(
        Consent.objects.filter(seeker=seeker, withdrawn_at__isnull=True).values_list("purpose", flat=True)
    )


# -- matching --------------------------------------------------------------------------------


@dataclass
class OfferMatch:
    """An offer ranked for a candidate (or a candidate for an offer) with the reasons."""

    offer: JobOffer | None
    seeker: JobSeeker | None
    score: float
    matched_skills: list[str]
    occupation_match: bool
    distance_km: float | None
    contract_fit: bool | None
    explanation: list[str] = field(default_factory=list)
    engine_explanation: list[str] = field(default_factory=list)


def seeker_metier_codes(seeker: JobSeeker) -> set[str]:
    codes = {m.pk for m in seeker.wished_metiers.all()}
    codes |= {a.metier_id for a in seeker.wished_appellations.all()}
    return codes


def seeker_query(seeker: JobSeeker) -> tuple[list[int], str]:
    """What a candidate's matching searches for: their skill ids, and the wished occupations'
    titles as text (without skills or wishes, the person's own words find offers lexically)."""
    skill_ids = indexing.seeker_skill_ids(seeker)
    occupations = [a.label for a in seeker.wished_appellations.all()]
    occupations += [m.label for m in seeker.wished_metiers.all()]
    occupations += [o.label_fr for o in seeker.wished_occupations.all()]
    text = " ; ".join(occupations)
    if not text and not skill_ids:
        text = f"{seeker.previous_occupation}\n{seeker.summary[:2000]}".strip()
    return skill_ids, text


def offer_query(offer: JobOffer) -> tuple[list[int], str]:
    """What an offer's matching searches for: its skill ids, and its title as text."""
    return list(offer.skill_ids), offer.title


def _explain(match: OfferMatch, words: dict[str, str]) -> list[str]:
    parts: list[str] = []
    if match.matched_skills:
        parts.append(words["skills"] % ", ".join(match.matched_skills[:8]))
    else:  # matched on words or meaning: the engine's own reason ("mots : data, sql")
        parts.extend(match.engine_explanation[:1])
    if match.occupation_match:
        parts.append(words["occupation"])
    if match.distance_km is not None:
        parts.append(words["same"] if match.distance_km == 0 else words["km"] % round(match.distance_km))
    if match.contract_fit is True:
        parts.append(words["contract"])
    elif match.contract_fit is False:
        parts.append(words["other_contract"])
    return parts


def match_channels(*, has_skills: bool) -> tuple[str, ...]:
    """Engine channels used to match people and offers.

    With taxonomy skills on the query side, the skills channel alone: it is what the structured
    profile says, and the lexical channel over ~30 skill labels cost 3–4× the time at 100,000
    documents (bench_talent). Without skills (no taxonomy loaded, a bare CV), words too.
    Semantic is off by default (TALENT_MATCH_SEMANTIC): every candidate's query is a new text, so
    it would embed one query per search (tens of ms on two cores); the engine embeds the query,
    not a stored document's vector.
    """
    channels = ("skills",) if has_skills else ("lexical", "skills")
    if getattr(settings, "TALENT_MATCH_SEMANTIC", False):
        channels = (*channels, "semantic")
    return channels


OCCUPATION_BONUS = 0.3
CONTRACT_BONUS = 0.1


def _rerank(matches: list[OfferMatch], limit: int) -> list[OfferMatch]:
    for m in matches:
        bonus = (OCCUPATION_BONUS if m.occupation_match else 0) + (CONTRACT_BONUS if m.contract_fit else 0)
        m.score = round(m.score + bonus, 4)
    matches.sort(key=lambda m: (-m.score, (m.offer.pk if m.offer else 0), (m.seeker.pk if m.seeker else 0)))
    # Translated once per search: gettext goes through a thread-local lookup on every call.
    words = {
        "skills": _("compétences en commun : %s"),
        "occupation": _("métier recherché"),
        "same": _("même département"),
        "km": _("à environ %d km"),
        "contract": _("contrat souhaité"),
        "other_contract": _("contrat différent de celui souhaité"),
    }
    top = matches[:limit]
    for m in top:
        m.explanation = _explain(m, words)
    return top


# What a match shows of an offer (loading whole rows doubled the time of this step).
OFFER_MATCH_FIELDS = (
    "pk", "title", "department_code", "contract", "positions", "rome_metier_id", "status", "organisation__name",
)  # fmt: skip


def best_offers_for_seeker(seeker: JobSeeker, *, limit: int = 20) -> list[OfferMatch]:
    """Open offers best matching a candidate, within their mobility area, with explanations.

    The engine ranks the offers the SQL filter allows (open, in a department the person
    accepts; everywhere if they gave no place) on skills, words and meaning; occupation and
    contract fit then add a bonus.
    """
    reach = list(SeekerDepartment.objects.filter(seeker=seeker).values_list("department_code", flat=True))
    offers = JobOffer.objects.filter(status=OfferStatus.OPEN)
    if reach:
        offers = offers.filter(department_code__in=reach)
    # No ORDER BY (the model's default ordering sorted every candidate row by date).
    restrict = list(offers.order_by().values_list("pk", flat=True))
    skill_ids, text = seeker_query(seeker)
    if not restrict:
        return []
    try:
        hits = engine.match_documents(
            doc_type=indexing.OFFER_DOC,
            skill_ids=skill_ids,
            text=text,
            restrict_ids=restrict,
            limit=limit * 3,
            channels=match_channels(has_skills=bool(skill_ids)),
        )
    except engine.UserTextError:
        return []
    found = {
        o.pk: o
        for o in JobOffer.objects.filter(pk__in=[h.doc_id for h in hits])
        .select_related("organisation")
        .only(*OFFER_MATCH_FIELDS)
        .order_by()
    }
    metiers = seeker_metier_codes(seeker)
    wishes = set(seeker.contract_wishes)
    matches = []
    for hit in hits:
        offer = found.get(hit.doc_id)
        if offer is None or offer.status != OfferStatus.OPEN:
            continue
        matches.append(
            OfferMatch(
                offer=offer,
                seeker=seeker,
                score=hit.score,
                matched_skills=hit.matched_skills,
                engine_explanation=hit.explanation,
                occupation_match=bool(offer.rome_metier_id and offer.rome_metier_id in metiers),
                distance_km=geo.distance_km(seeker.department_code, offer.department_code)
                if seeker.department_code and offer.department_code
                else None,
                contract_fit=(offer.contract in wishes) if wishes else None,
            )
        )
    return _rerank(matches, limit)


def shareable_seekers() -> QuerySet[JobSeeker]:
    """People who consented to be shown to companies (and are not anonymised)."""
    return JobSeeker.objects.filter(
        anonymised_at__isnull=True,
        consents__purpose=ConsentPurpose.SHARE_WITH_COMPANIES,
        consents__withdrawn_at__isnull=True,
    )


def _seekers_wanting_metier(seeker_ids: list[int], metier_code: str) -> set[int]:
    """Among `seeker_ids`, those who wish the ROME métier (directly or through an appellation)."""
    metiers = JobSeeker.wished_metiers.through.objects.filter(
        jobseeker_id__in=seeker_ids, romemetier_id=metier_code
    )
    appellations = JobSeeker.wished_appellations.through.objects.filter(
        jobseeker_id__in=seeker_ids, romeappellation__metier_id=metier_code
    )
    return set(metiers.values_list("jobseeker_id", flat=True)) | set(
        appellations.values_list("jobseeker_id", flat=True)
    )


def best_candidates_for_offer(offer: JobOffer, *, viewer: Any = None, limit: int = 20) -> list[OfferMatch]:
    """People best matching an offer, among those who accept its department and consented to be
    shown to companies (an adviser also sees the people they follow), with explanations."""
    reach = (
        SeekerDepartment.objects.filter(department_code=offer.department_code)
        if offer.department_code
        else None
    )
    if reach is not None:
        # One covering index: the department's rows carry the consent (see SeekerDepartment).
        restrict = list(reach.filter(shareable=True).order_by().values_list("seeker_id", flat=True))
    else:
        restrict = list(shareable_seekers().order_by().values_list("pk", flat=True))
    if viewer is not None and permissions.is_signed_in(viewer) and not permissions.is_platform_staff(viewer):
        followed = people_visible_to(viewer).filter(anonymised_at__isnull=True)
        if reach is not None:
            followed = followed.filter(pk__in=reach.values("seeker_id"))
        restrict = list(set(restrict) | set(followed.order_by().values_list("pk", flat=True)))
    if not restrict:
        return []
    skill_ids, text = offer_query(offer)
    try:
        hits = engine.match_documents(
            doc_type=indexing.SEEKER_DOC,
            skill_ids=skill_ids,
            text=text,
            restrict_ids=restrict,
            limit=limit * 3,
            channels=match_channels(has_skills=bool(skill_ids)),
        )
    except engine.UserTextError:
        return []
    ids = [h.doc_id for h in hits]
    found = {
        s.pk: s
        for s in JobSeeker.objects.filter(pk__in=ids)
        .only("pk", "first_name", "last_name", "department_code", "contract_wishes", "anonymised_at")
        .order_by()
    }
    wanting = _seekers_wanting_metier(ids, offer.rome_metier_id) if offer.rome_metier_id else set()
    matches = []
    for hit in hits:
        seeker = found.get(hit.doc_id)
        if seeker is None or seeker.anonymised_at:
            continue
        wishes = set(seeker.contract_wishes)
        matches.append(
            OfferMatch(
                offer=offer,
                seeker=seeker,
                score=hit.score,
                matched_skills=hit.matched_skills,
                engine_explanation=hit.explanation,
                occupation_match=seeker.pk in wanting,
                distance_km=geo.distance_km(seeker.department_code, offer.department_code)
                if seeker.department_code and offer.department_code
                else None,
                contract_fit=(offer.contract in wishes) if wishes else None,
            )
        )
    result = _rerank(matches, limit)
    for m in result:  # the offer side reads "candidate X", not "offer Y"
        m.offer = offer
    return result


@dataclass
class SkillGap:
    """What a candidate has and lacks for an offer, and the courses in reach that cover the gap."""

    matched: list[str]
    missing: list[tuple[int, str]]
    courses: list[Any]
    training_available: bool


def skill_gap(seeker: JobSeeker, offer: JobOffer, *, course_limit: int = 10) -> SkillGap:
    """The offer's skills the candidate lacks (compared concept by concept) and the courses that
    teach them within the person's mobility area or by distance learning."""
    mine = {_skill_key(label) for label in engine.skill_labels(indexing.seeker_skill_ids(seeker))}
    matched: dict[str, str] = {}
    missing: dict[str, tuple[int, str]] = {}
    missing_ids: list[int] = []  # every skill id of a missing skill: courses may teach either
    for skill_id in offer.skill_ids:
        labels = engine.skill_labels([skill_id])
        if not labels:
            continue
        key = _skill_key(labels[0])
        if key in mine:
            matched.setdefault(key, labels[0])
        else:
            missing.setdefault(key, (skill_id, labels[0]))
            missing_ids.append(skill_id)
    matched_labels = list(matched.values())
    missing_rows = list(missing.values())
    courses: list[Any] = []
    available = True
    if missing_rows:
        try:
            from filiere.training.selectors import courses_covering
        except ImportError:
            available = False
        else:
            courses = _courses_in_reach(courses_covering, seeker, missing_ids, course_limit)
    return SkillGap(
        matched=matched_labels, missing=missing_rows, courses=courses, training_available=available
    )


_PARENTHESES = re.compile(r"\([^)]*\)")


def _skill_key(label: str) -> str:
    """One skill under its ROME and ESCO labels: "Java" (ROME) and "Java (programmation
    informatique)" (ESCO) are two concepts of the taxonomy, but one skill to the person reading
    the gap: compared folded, without the ESCO precision in parentheses."""
    return fold(_PARENTHESES.sub(" ", label))


def _courses_in_reach(
    courses_covering: Any, seeker: JobSeeker, skill_ids: list[int], limit: int
) -> list[Any]:
    """Courses with a session in a department the person accepts, or by distance learning: the
    most missing skills covered first, then the earliest session."""
    reach = list(SeekerDepartment.objects.filter(seeker=seeker).values_list("department_code", flat=True))
    found: dict[int, Any] = {}
    for dep in reach[:15] or [None]:
        for match in courses_covering(
            skill_ids, department_code=dep, region_code=None if dep else seeker.region_code or None,
            include_distance=True, limit=limit,
        ):  # fmt: skip
            current = found.get(match.course.pk)
            if current is None or len(match.covered_skill_ids) > len(current.covered_skill_ids):
                found[match.course.pk] = match

    def first_start(match: Any) -> dt.date:
        return min((s.start_date for s in match.next_sessions), default=dt.date.max)

    return sorted(found.values(), key=lambda m: (-len(m.covered_skill_ids), first_start(m), m.course.pk))[
        :limit
    ]


# -- dashboard -------------------------------------------------------------------------------


# The programme dashboard (3, 6 and 12 months, unknown situations) is `talent.dashboard`,
# imported above: `selectors.programme_dashboard` stays the one entry point.


def cohort_files(cohort: Cohort, user: Viewer) -> QuerySet[File]:
    """The files of a cohort `user` may see by name: all of them for the running structure (and
    platform staff); for a partner structure or regional staff, only the people they may see."""
    files = cohort.files.select_related("seeker").order_by("seeker__last_name", "pk")
    if can_manage_programme(user, cohort.programme):
        return files
    return files.filter(seeker__in=people_visible_to(user))


def file_counts(cohort: Cohort) -> dict[str, int]:
    counts = dict(Counter(cohort.files.values_list("state", flat=True)))
    return {str(s.label): counts.get(s.value, 0) for s in FileState}


# -- GDPR export -----------------------------------------------------------------------------


def _date(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_seeker_data(seeker: JobSeeker) -> dict[str, Any]:
    """Everything the platform holds about a person, as JSON-ready data (right of access)."""
    profile = {
        "id": seeker.pk,
        "first_name": seeker.first_name,
        "last_name": seeker.last_name,
        "email": seeker.email,
        "phone": seeker.phone,
        "gender": seeker.gender,
        "birth_year": seeker.birth_year,
        "commune": seeker.commune_id,
        "department": seeker.department_code,
        "region": seeker.region_code,
        "summary": seeker.summary,
        "previous_occupation": seeker.previous_occupation,
        "skills": [s.label for s in seeker.skills.all()],
        "skills_found_in_cv": engine.skill_labels(seeker.extracted_skill_ids),
        "wished_rome_appellations": [
            {"code": a.code_ogr, "label": a.label} for a in seeker.wished_appellations.all()
        ],
        "wished_rome_metiers": [{"code": m.code, "label": m.label} for m in seeker.wished_metiers.all()],
        "wished_esco_occupations": [
            {"uri": o.uri, "label": o.label_fr} for o in seeker.wished_occupations.all()
        ],
        "mobility_radius_km": seeker.mobility_radius_km,
        "mobility_departments": seeker.mobility_departments,
        "contract_wishes": seeker.contract_wishes,
        "available_from": _date(seeker.available_from),
        "structure": seeker.structure.name,
        "adviser": seeker.adviser.get_full_name() or seeker.adviser.username if seeker.adviser else None,
        "created_at": _date(seeker.created_at),
        "last_activity_at": _date(seeker.last_activity_at),
    }
    files = []
    for file in seeker.files.select_related("cohort__programme").prefetch_related(
        "transitions__by", "outcomes"
    ):
        files.append(
            {
                "programme": file.cohort.programme.name,
                "cohort": file.cohort.name,
                "state": file.state,
                "applied_on": _date(file.applied_on),
                "placed_on": _date(file.placed_on),
                "history": [
                    {
                        "from": t.from_state,
                        "to": t.to_state,
                        "at": _date(t.at),
                        "by": t.by.username if t.by else None,
                        "reason": t.reason,
                    }
                    for t in file.transitions.all()
                ],
                "outcomes": [
                    {"months": o.months, "status": o.status, "observed_on": _date(o.observed_on)}
                    for o in file.outcomes.all()
                ],
            }
        )
    return {
        "generated_for": str(seeker),
        "profile": profile,
        "consents": [
            {"purpose": c.purpose, "given_at": _date(c.given_at), "withdrawn_at": _date(c.withdrawn_at)}
            for c in seeker.consents.all()
        ],
        "applications": [
            {
                "offer": a.offer.title,
                "company": a.offer.organisation.name,
                "status": a.status,
                "refusal_reason": a.refusal_reason,
                "sent_at": _date(a.created_at),
                "message": a.message,
                "history": [
                    {"from": t.from_status, "to": t.to_status, "at": _date(t.at), "reason": t.reason}
                    for t in a.transitions.all()
                ],
            }
            for a in Application.objects.filter(seeker=seeker)
            .select_related("offer__organisation")
            .prefetch_related("transitions")
        ],
        "files": files,
        "access_log": [
            {"at": _date(log.at), "by": log.user.username if log.user else None, "what": log.what}
            for log in AccessLog.objects.filter(seeker=seeker).select_related("user")
        ],
    }


def access_log(seeker: JobSeeker, *, limit: int = 50) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(seeker=seeker).select_related("user")[:limit]


def _advisers_seekers(user: Viewer, q: str) -> QuerySet[JobSeeker]:
    qs = people_visible_to(user).filter(anonymised_at__isnull=True)
    if q:
        qs = qs.filter(Q(last_name__icontains=q) | Q(first_name__icontains=q))
    return qs.order_by("last_name", "first_name", "pk")


def advisers_seekers(user: Viewer, *, q: str = "", limit: int = 100, what: str = "") -> list[JobSeeker]:
    """The people the adviser follows (their structure), by name, optionally filtered. With
    `what`, each person returned is written to the access log (a page that shows their names)."""
    seekers = list(_advisers_seekers(user, q)[:limit])
    if what:
        from .services import log_accesses

        log_accesses(seekers=seekers, user=user, what=what)
    return seekers


def seeker_structures_for(user: Viewer) -> list[Any]:
    """The structures `user` may create a person's profile for: an adviser's own structure (the
    first they belong to); for platform staff who belong to none, every structure that follows
    people or runs a programme (they pick one in the form)."""
    from filiere.accounts.models import Membership
    from filiere.organisations.models import Organisation

    membership = Membership.objects.filter(user=user).select_related("organisation").order_by("pk").first()
    if membership is not None:
        return [membership.organisation]
    if not permissions.is_platform_staff(user):
        return []
    ids = set(JobSeeker.objects.values_list("structure_id", flat=True).distinct())
    ids |= set(Programme.objects.values_list("structure_id", flat=True))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


SEEKERS_PER_PAGE = 50


def advisers_seekers_page(
    user: Viewer, *, q: str = "", page: Any = 1, per_page: int = SEEKERS_PER_PAGE, what: str = ""
) -> Page:
    """One page of `advisers_seekers` (every person, page by page, with the total). With `what`,
    the people of that page only are written to the access log: those whose names are shown."""
    paginator = Paginator(_advisers_seekers(user, q).select_related("structure"), per_page)
    current = paginator.get_page(page)
    current.object_list = list(current.object_list)
    if what:
        from .services import log_accesses

        log_accesses(seekers=current.object_list, user=user, what=what)
    return current


def group_by_state(files: list[File]) -> dict[str, list[File]]:
    grouped: dict[str, list[File]] = defaultdict(list)
    for f in files:
        grouped[f.state].append(f)
    return grouped


# -- job applications: the company's side ----------------------------------------------------


def applications_received(user: Any) -> QuerySet[Application]:
    """Applications to the offers of the companies `user` edits themselves (the recruiters'
    inbox; platform and regional staff do not recruit in a company's name)."""
    companies = permissions.organisations_with_role(user).values("pk")
    return (
        Application.objects.filter(offer__organisation_id__in=companies)
        .select_related("offer__organisation", "seeker")
        .order_by("-created_at", "-pk")
    )


def waiting_applications_count(user: Any) -> int:
    """How many received applications nobody has looked at yet (status "new")."""
    return applications_received(user).filter(status=ApplicationStatus.SENT).count()


def get_application_for_user(user: Any, pk: int) -> Application:
    """An application `user` may read (`permissions.may_see_application`: the offer's company
    editors, the candidate, their following adviser); 404 otherwise. A read by someone else than
    the candidate is written to the access log."""
    from .services import log_access

    application = (
        Application.objects.filter(pk=pk)
        .select_related("offer__organisation", "seeker__structure", "seeker__adviser", "sent_by")
        .first()
    )
    if application is None or not permissions.may_see_application(user, application):
        raise Http404(_("Candidature introuvable."))
    log_access(seeker=application.seeker, user=user, what=f"candidature {application.pk}")
    return application
