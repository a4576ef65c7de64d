"""Matching job seekers and offers through the `matching` engine (skills, occupation and contract
bonuses, explanations), the skill gap between a seeker and an offer, and the courses in reach of
the missing skills."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.core.text import fold
from filiere.matching import services as engine
from filiere.territories import geo
from filiere.training.selectors import courses_covering

from .. import indexing
from ..dashboard import Dashboard, Figures, Follow, programme_dashboard  # noqa: F401 (the selector)
from ..models import (
    ConsentPurpose,
    JobOffer,
    JobSeeker,
    OfferStatus,
    SeekerDepartment,
)
from ..permissions import people_visible_to

if TYPE_CHECKING:
    pass


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
    if missing_rows:
        courses = _courses_in_reach(courses_covering, seeker, missing_ids, course_limit)
    # training is part of the project (below talent in the layers): its catalogue is always there.
    return SkillGap(matched=matched_labels, missing=missing_rows, courses=courses, training_available=True)


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
