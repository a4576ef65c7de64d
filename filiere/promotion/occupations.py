"""Digital occupations explained to young people: reads for the occupation pages and the quiz.

An occupation is a ROME 4.0 métier of the digital domain (codes M18…, "Systèmes d'information et
de télécommunication"). Its page puts together France Travail's own texts (definition, access),
its core skills, the region's courses with an upcoming session (training), open offers (talent),
the firms that publish them, the share of women in the region's digital jobs (observatory) and
the portraits of women the region's staff publish (`Entry` of kind portrait).

English: ROME has no English. `ESCO_FOR_ROME` is a hand-made crosswalk from the occupations
featured for young people to the ESCO occupation that describes the same job (France Travail's
official ROME↔ESCO table is not among the reference files); through it an English visitor reads
the ESCO English label and the ESCO essential skills in English. Other occupations show their
French ROME label marked `lang="fr"`.

The quiz uses ROME's own centres of interest ("J'aime faire des découvertes"…) and the métiers
France Travail attaches to each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils import translation

from filiere.core.text import fold
from filiere.talent import selectors as talent
from filiere.taxonomy import selectors as taxonomy
from filiere.taxonomy.models import EscoOccupation, EscoOccupationSkill, RomeMetier, RomeMetierCompetence
from filiere.training import selectors as training

from .models import Entry, EntryKind

DIGITAL_PREFIX = "M18"
#: talent's work-study contract (`talent.models.Contract.ALTERNANCE`, checked by the tests).
WORK_STUDY = "alternance"
ESCO = "http://data.europa.eu/esco/occupation/"

#: ROME code → ESCO occupation URI, for the occupations featured for young people (in this order).
ESCO_FOR_ROME: dict[str, str] = {
    "M1805": ESCO + "f2b15a0e-e65a-438a-affb-29b9d50b77d1",  # software developer
    "M1855": ESCO + "c40a2919-48a9-40ea-b506-1f34f693496d",  # web developer
    "M1831": ESCO + "9ebaf3f0-0be0-47b7-b2b1-b3b04130fa81",  # digital games developer
    "M1889": ESCO + "1c5a45b9-440e-4726-b565-16a952abd341",  # computer vision engineer (AI)
    "M1892": ESCO + "57af9090-55b4-4911-b2d0-86db01c00b02",  # embedded systems software developer
    "M1811": ESCO + "258e46f9-0075-4a2e-adae-1ff0477e0f30",  # data scientist
    "M1851": ESCO + "d3edb8f8-3a06-47a0-8fb9-9b212c006aa2",  # data analyst
    "M1866": ESCO + "76ef0a87-6afe-4560-b5d0-9a086abe45c5",  # ethical hacker
    "M1817": ESCO + "0464b062-cea6-4164-b10d-956c61956ae7",  # ICT security administrator
    "M1812": ESCO + "276ba420-ef09-4a0e-b215-2c2e2f80ad28",  # chief ICT security officer
    "M1801": ESCO + "9e2e6e1e-363b-4e1b-a673-7bc0f7343300",  # ICT system administrator
    "M1816": ESCO + "64c7d461-152c-477f-a8e2-c2c537e9d617",  # ICT network technician
    "M1860": ESCO + "349ee6f6-c295-4c38-9b98-48765b55280e",  # cloud engineer
    "M1894": ESCO + "8c57af09-719c-42b3-be40-6ed4946236cc",  # database administrator
    "M1874": ESCO + "aaeec9a7-dc57-4485-890c-86b3eef735f9",  # ICT help desk agent
    "M1828": ESCO + "8b6388a4-4904-471b-9331-d3b1211f5525",  # ICT project manager
}

#: English for the ROME centres of interest that lead to a featured occupation (ROME is French only).
INTERESTS_EN = {
    "1": "I want to create, build, renovate",
    "2": "I am a born leader",
    "3": "I have a head for business",
    "4": "I like meeting people",
    "6": "I pay attention to detail",
    "8": "I like to communicate and convince",
    "10": "I like making discoveries",
    "15": "I like working with numbers",
    "18": "I like to organise and plan",
    "26": "I am drawn to what happens behind the scenes",
    "29": "I am passionate about new technologies",
}


def _english() -> bool:
    return translation.get_language() == "en"


@dataclass
class Occupation:
    code: str
    label_fr: str
    esco: EscoOccupation | None = None

    @property
    def label(self) -> str:
        if _english() and self.esco is not None and self.esco.label_en:
            return self.esco.label_en.capitalize()
        return self.label_fr

    @property
    def label_language(self) -> str:
        return "en" if _english() and self.esco is not None and self.esco.label_en else "fr"


def _occupations(codes: list[str]) -> list[Occupation]:
    metiers = {m.code: m.label for m in RomeMetier.objects.filter(code__in=codes)}
    esco = {
        o.uri: o for o in EscoOccupation.objects.filter(uri__in=[ESCO_FOR_ROME.get(c, "") for c in codes])
    }
    return [Occupation(c, metiers[c], esco.get(ESCO_FOR_ROME.get(c, ""))) for c in codes if c in metiers]


def featured_occupations() -> list[Occupation]:
    return _occupations(list(ESCO_FOR_ROME))


def other_digital_occupations() -> list[Occupation]:
    codes = (
        RomeMetier.objects.filter(code__startswith=DIGITAL_PREFIX)
        .exclude(code__in=list(ESCO_FOR_ROME))
        .order_by("label")
        .values_list("code", flat=True)
    )
    return _occupations(list(codes))


def get_occupation(code: str) -> Occupation:
    """A digital ROME occupation named by a public URL, else 404."""
    code = (code or "").strip().upper()[:5]
    if not code.startswith(DIGITAL_PREFIX):
        raise Http404
    found = _occupations([code])
    if not found:
        raise Http404
    return found[0]


@dataclass
class OccupationPage:
    occupation: Occupation
    definition: list[str]
    access: list[str]
    skills: list[str]
    skills_language: str
    courses: list[Any] = field(default_factory=list)  # training.CourseResult-like: (course, sessions)
    apprenticeship_offers: int = 0
    offers: list[Any] = field(default_factory=list)
    firms: list[Any] = field(default_factory=list)
    portraits: list[Entry] = field(default_factory=list)
    women_share: Any = None
    interests: list[str] = field(default_factory=list)


def occupation_skills(occupation: Occupation, limit: int = 12) -> tuple[list[str], str]:
    """Its skills in the visitor's language: ESCO's essential skills in English (when crosswalked),
    else ROME's core competences in French."""
    if _english() and occupation.esco is not None:
        labels = list(
            EscoOccupationSkill.objects.filter(occupation=occupation.esco, relation="essential")
            .exclude(skill__label_en="")
            .order_by("skill__label_en")
            .values_list("skill__label_en", flat=True)[:limit]
        )
        if labels:
            return labels, "en"
    core = (
        RomeMetierCompetence.objects.filter(metier_id=occupation.code, is_core=True)
        .select_related("competence")
        .order_by("competence__label")
    )
    labels = [link.competence.label for link in core[:limit]]
    if not labels:
        labels = [
            link.competence.label
            for link in RomeMetierCompetence.objects.filter(metier_id=occupation.code)
            .select_related("competence")
            .order_by("competence__label")[:limit]
        ]
    return labels, "fr"


def regional_courses(code: str, region_code: str, limit: int = 8) -> list[tuple[Any, Any, bool]]:
    """Published courses leading to the occupation (its ROME code) with an upcoming session in
    the region: (course, first session, open to apprentices: its text names apprenticeship)."""
    sessions = training.upcoming_sessions().filter(region_code=region_code).select_related("course")
    found: dict[int, tuple[Any, Any, bool]] = {}
    for session in sessions.order_by("start_date"):
        course = session.course
        if code in (course.rome_codes or []) and course.pk not in found:
            text = fold(f"{course.title} {course.objectives} {course.description}")
            found[course.pk] = (course, session, "apprentissage" in text or "alternance" in text)
    return list(found.values())[:limit]


def regional_offers(code: str, region_code: str) -> list[Any]:
    offers = talent.open_offers().filter(rome_metier_id=code)
    if region_code:
        offers = offers.filter(region_code=region_code)
    return list(offers.order_by("-created_at")[:20])


def occupation_page(occupation: Occupation, *, region_code: str, women_share: Any = None) -> OccupationPage:
    texts = taxonomy.rome_texts(occupation.code)
    skills, skills_language = occupation_skills(occupation)
    offers = regional_offers(occupation.code, region_code)
    firms: list[Any] = []
    for offer in offers:
        if offer.organisation.is_diffusible and offer.organisation not in firms:
            firms.append(offer.organisation)
    portraits = Entry.objects.online().filter(kind=EntryKind.PORTRAIT, occupation_code=occupation.code)
    if region_code:
        portraits = portraits.filter(region_id=region_code)
    english = _english()
    interests = [
        (INTERESTS_EN.get(code) if english else None) or label
        for code, label, codes in taxonomy.rome_interests()
        if occupation.code in codes
    ]
    return OccupationPage(
        occupation=occupation,
        definition=texts.get("definition", []),
        access=texts.get("acces_emploi", []),
        skills=skills,
        skills_language=skills_language,
        courses=regional_courses(occupation.code, region_code) if region_code else [],
        apprenticeship_offers=sum(1 for o in offers if o.contract == WORK_STUDY),
        offers=offers,
        firms=firms[:10],
        portraits=list(portraits.order_by("order", "pk")),
        women_share=women_share,
        interests=interests,
    )


# --- Quiz -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interest:
    code: str
    label: str


def quiz_interests() -> list[Interest]:
    """The ROME centres of interest that lead to at least one featured occupation."""
    featured = set(ESCO_FOR_ROME)
    english = _english()
    return [
        Interest(code, (INTERESTS_EN.get(code) if english else None) or label)
        for code, label, codes in taxonomy.rome_interests()
        if featured & set(codes)
    ]


def quiz_results(chosen: list[str], limit: int = 5) -> list[tuple[Occupation, int]]:
    """Featured occupations ranked by how many of the chosen interests lead to them (ties in the
    featured order); only occupations matching at least one interest."""
    wanted = set(chosen)
    scores = {code: 0 for code in ESCO_FOR_ROME}
    for code, _label, codes in taxonomy.rome_interests():
        if code in wanted:
            for rome in codes:
                if rome in scores:
                    scores[rome] += 1
    ranked = sorted((c for c in scores if scores[c]), key=lambda c: -scores[c])[:limit]
    by_code = {o.code: o for o in _occupations(ranked)}
    return [(by_code[c], scores[c]) for c in ranked if c in by_code]
