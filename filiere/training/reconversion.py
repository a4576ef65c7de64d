"""Reconversion paths: from a threatened occupation (or a group of people) to reachable ones.

Occupations are ROME 4.0 métiers. A source can be given as a ROME code, an ESCO occupation URI
or a free-text job title; the last two are linked to a métier by the matching engine
(`link_occupations`). Candidates are the métiers sharing ROME compétences with the source, the
ROME mobilities from and to it, and its ROME family (same parent fiche). Each is scored

    score = 0.45 × mobility + 0.10 × reverse + 0.30 × skills + 0.10 × proximity

- `mobility`: 1 / (1 + 0.1 × (rank − 1)) for the rank-th ROME mobility from the source, else 0:
  France Travail's own list of credible moves is the strongest signal;
- `reverse`: 1 when ROME proposes the move the other way (target → source);
- `skills`: the geometric mean of the share of the target's core skills the source holds and
  of the share of the source's core skills the target uses, both weighted by specificity
  (log of métiers / métiers listing the skill: "Faire preuve de rigueur" counts for little, a
  trade's own skill for much), halved when fewer than two specific skills (listed by at most
  ~2 % of métiers) are shared: one generic word such as "Automatisme" does not make a path;
- `proximity`: 1 in the same ROME family, 0.8 in the same domaine professionnel ("H12"),
  otherwise how often ROME mobilities link the two domaines (all of ROME's 14,912), at most 0.7.

A target far from the source's domaine (proximity under 0.2) that is no mobility either way
has its score multiplied by 0.25, unless ROME attaches it to a sector the regional case names
as an outlet (seed 004, Occitanie: rail, autonomous vehicles, maritime, health, retail,
fintech; `OUTLET_SECTORS`, as NAF divisions). The source itself is excluded. `overlap` (shown)
stays the plain share of the target's core skills already held. Each target lists the skills
shared, the skills to acquire and the regional courses worth following (`courses_for_target`).
Optionally only targets "in demand" are kept: métiers that ROME attaches to an ICT-services NAF
division (58, 61, 62, 63) of the INSEE digital sector (c1385). The ranking is measured by
`filiere reconversion_eval` (evaluation.py, docs/training.md).

Length (about 550 lines), on purpose: one algorithm (candidates → scores → courses in
reach) whose functions share its weights and data classes; read top to bottom, it is its own
documentation.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from filiere.matching.services import link_occupations
from filiere.matching.text import UserTextError
from filiere.taxonomy.models import EscoOccupation, RomeMetier, RomeMetierCompetence, RomeMobility, Skill
from filiere.taxonomy.selectors import digital_naf_codes

from .selectors import CourseMatch, courses_covering, supply_by_skill_and_department

# A competence is "specific" when at most ~2 % of métiers list it (log(1584 / 31) + 0.1).
SPECIFIC_IDF = 4.0
MIN_SPECIFIC_SHARED = 2
FAR_PROXIMITY = 0.2
# Sectors the Occitanie case (seed 004) names as outlets for aeronautics skills, as the NAF
# divisions ROME attaches métiers to: a target in them is not "far" from an aeronautics trade.
OUTLET_SECTORS: dict[str, tuple[str, ...]] = {
    "rail": ("49",),
    "autonomous_vehicles": ("29",),
    "maritime": ("50",),
    "health": ("86", "21"),
    "retail": ("47",),
    "fintech": ("64", "66"),
}
OCCITANIE_OUTLETS = tuple(OUTLET_SECTORS)


@dataclass(frozen=True)
class RankingWeights:
    """The weights of the ranking; the evaluation switches the mobility signals off with them."""

    mobility: float = 0.45
    reverse_mobility: float = 0.10
    skills: float = 0.30
    domain: float = 0.10
    far_penalty: float = 0.25


DEFAULT_WEIGHTS = RankingWeights()
CANDIDATES = 200
MAX_GROUP_ROWS = 50


class UnknownOccupation(ValueError):
    """The occupation given cannot be found or linked (French message)."""


@dataclass
class SkillRef:
    skill_id: int
    label: str


@dataclass
class TargetOccupation:
    """A reachable métier, with why (shared skills, mobility) and what is missing."""

    code: str
    label: str
    score: float
    overlap: float
    shared: list[SkillRef]
    missing: list[SkillRef]
    mobility_rank: int | None
    in_demand: bool
    courses: list[CourseMatch] = field(default_factory=list)
    same_family: bool = False

    @property
    def overlap_percent(self) -> int:
        return round(self.overlap * 100)

    @property
    def explanation(self) -> str:
        parts = [
            _("%(shared)d compétences clés sur %(total)d déjà acquises")
            % {"shared": len(self.shared), "total": len(self.shared) + len(self.missing)}
        ]
        if self.mobility_rank is not None:
            parts.append(_("mobilité proposée par le ROME (rang %(rank)d)") % {"rank": self.mobility_rank})
        if self.same_family:
            parts.append(_("même famille de métiers du ROME"))
        if self.in_demand:
            parts.append(_("métier du secteur numérique"))
        return " ; ".join(parts)


@dataclass
class ReconversionPath:
    source_code: str
    source_label: str
    linked_from: str
    targets: list[TargetOccupation]


def resolve_occupation(value: str) -> tuple[RomeMetier, str]:
    """A ROME métier from a ROME code ("I1602"), an ESCO occupation URI or a job title.

    Returns the métier and, when it was linked from a title or an ESCO occupation, what it was
    linked from. Raises `UnknownOccupation` with a French message.
    """

    value = (value or "").strip()
    if not value:
        raise UnknownOccupation(_("Indiquez un métier : code ROME, métier ESCO ou intitulé de poste."))
    code = value.upper()
    if len(code) == 5 and code[0].isalpha() and code[1:].isdigit():
        metier = RomeMetier.objects.filter(pk=code).first()
        if metier is None:
            raise UnknownOccupation(_("Code ROME inconnu : %(code)s") % {"code": code})
        return metier, ""
    title = value
    if value.startswith("http://data.europa.eu/esco/occupation/"):
        occupation = EscoOccupation.objects.filter(pk=value).first()
        if occupation is None:
            raise UnknownOccupation(_("Métier ESCO inconnu : %(uri)s") % {"uri": value[:200]})
        title = occupation.label_fr or occupation.label_en
    try:
        links = link_occupations(title, top=1, kinds=("rome_metier",), semantic=False)
    except UserTextError as exc:
        raise UnknownOccupation(str(exc)) from exc
    metier = RomeMetier.objects.filter(pk=links[0].code).first() if links else None
    if metier is None:
        raise UnknownOccupation(_("Aucun métier ROME trouvé pour « %(title)s »") % {"title": title[:200]})
    return metier, title


@dataclass
class _SharedReads:
    """What `reconversion_targets` read from ROME during a `shared_reads()` block."""

    links: dict[str, dict[str, bool]] = field(default_factory=dict)
    metier_counts: dict[str, int] = field(default_factory=dict)
    total: int | None = None
    digital: set[str] | None = None
    outlets: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)
    affinity: dict[str, dict[str, float]] = field(default_factory=dict)


_shared: ContextVar[_SharedReads | None] = ContextVar("reconversion_shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Rank many sources on the same ROME rows: inside the block, each métier's competence links,
    each competence's number of métiers and the ROME-wide tables (digital and outlet métiers,
    affinities of a domaine) are read once and reused by every `reconversion_targets` call,
    instead of once per call. The rankings are the same; ROME must not change meanwhile (the
    evaluation, a group's sources: one request or command)."""
    token = _shared.set(_SharedReads())
    try:
        yield
    finally:
        _shared.reset(token)


def _read_skill_map(codes: set[str]) -> dict[str, dict[str, bool]]:
    links: dict[str, dict[str, bool]] = defaultdict(dict)
    rows = RomeMetierCompetence.objects.filter(metier_id__in=codes).values_list(
        "metier_id", "competence_id", "is_core"
    )
    for metier, competence, core in rows:
        links[metier][competence] = core
    return links


def _skill_map(codes: Iterable[str]) -> dict[str, dict[str, bool]]:
    """métier code → {competence code: is_core} for every competence link of those métiers."""
    shared = _shared.get()
    if shared is None:
        return _read_skill_map(set(codes))
    wanted = set(codes)
    unread = wanted - shared.links.keys()
    if unread:
        read = _read_skill_map(unread)
        for code in unread:
            shared.links[code] = read.get(code, {})
    return {code: shared.links[code] for code in wanted if shared.links[code]}


def _core(links: dict[str, bool]) -> set[str]:
    core = {c for c, is_core in links.items() if is_core}
    return core or set(links)


# The ICT-services divisions of the INSEE c1385 digital sector. Its manufacturing (26) and trade
# (46) divisions are left out: ROME attaches electronics assembly and wholesale métiers to them,
# which are not the digital jobs a reconversion aims at.
DIGITAL_SERVICE_DIVISIONS = frozenset({"58", "61", "62", "63"})


def digital_metier_codes() -> set[str]:
    """ROME métiers attached to an ICT-services NAF division of the INSEE digital sector."""

    shared = _shared.get()
    if shared is not None and shared.digital is not None:
        return set(shared.digital)
    divisions = {code[:2] for code in digital_naf_codes()} & DIGITAL_SERVICE_DIVISIONS
    codes = set(
        RomeMetier.objects.filter(naf_sectors__naf_division_id__in=divisions).values_list("code", flat=True)
    )
    if shared is not None:
        shared.digital = set(codes)
    return codes


def outlet_metier_codes(sectors: Iterable[str] = OCCITANIE_OUTLETS) -> dict[str, str]:
    """ROME métier code → outlet sector, for métiers ROME attaches to the sectors' NAF divisions."""
    sectors = tuple(sectors)
    shared = _shared.get()
    if shared is not None and sectors in shared.outlets:
        return dict(shared.outlets[sectors])
    divisions = {d: name for name in sectors for d in OUTLET_SECTORS.get(name, ())}
    rows = RomeMetier.objects.filter(naf_sectors__code__in=divisions).values_list("code", "naf_sectors__code")
    outlets = {code: divisions[division] for code, division in rows}
    if shared is not None:
        shared.outlets[sectors] = dict(outlets)
    return outlets


def _domain_affinity(domain: str) -> dict[str, float]:
    """Domaine professionnel → how often ROME moves people between it and `domain` ("H12").

    The larger of two shares: of the mobilities leaving `domain`'s métiers, those landing in the
    domaine; of those reaching `domain`, those coming from it. Learnt from all ROME mobilities,
    so it is a property of the classification, not of one source's own list.
    """
    shared = _shared.get()
    if shared is not None and domain in shared.affinity:
        return dict(shared.affinity[domain])
    out = Counter(
        t[:3]
        for t in RomeMobility.objects.filter(source__code__startswith=domain).values_list(
            "target_id", flat=True
        )
    )
    came = Counter(
        s[:3]
        for s in RomeMobility.objects.filter(target__code__startswith=domain).values_list(
            "source_id", flat=True
        )
    )
    n_out, n_in = sum(out.values()) or 1, sum(came.values()) or 1
    affinity = {d: max(out[d] / n_out, came[d] / n_in) for d in set(out) | set(came)}
    if shared is not None:
        shared.affinity[domain] = dict(affinity)
    return affinity


def _specificity(competence_ids: set[str]) -> dict[str, float]:
    """Competence → log(métiers / métiers linking it) + 0.1: "Automatisme" (56 métiers) weighs 3.4,
    a skill of one trade 7.5, "Faire preuve de rigueur" (1,070 métiers) 0.5."""
    shared = _shared.get()
    unread = competence_ids if shared is None else competence_ids - shared.metier_counts.keys()
    counts = (
        dict(
            RomeMetierCompetence.objects.filter(competence_id__in=unread)
            .values("competence_id")
            .annotate(n=Count("metier_id"))
            .values_list("competence_id", "n")
        )
        if unread
        else {}
    )
    if shared is None:
        total = RomeMetier.objects.count() or 1
    else:
        if shared.total is None:
            shared.total = RomeMetier.objects.count() or 1
        total = shared.total
        for c in unread:
            shared.metier_counts[c] = counts.get(c, 1)
        counts = shared.metier_counts
    return {c: math.log(total / max(counts.get(c, 1), 1)) + 0.1 for c in competence_ids}


def _family(metier_code: str, parents: Mapping[str, str | None]) -> str:
    return parents.get(metier_code) or metier_code


def courses_for_target(
    code: str, missing_skill_ids: list[int], *, region_code: str | None = None, limit: int = 5
) -> list[CourseMatch]:
    """Regional courses worth proposing to reach métier `code`: teaching at least two of its
    missing skills (or all of them when only one is missing), and, when the course names ROME
    métiers, preparing for `code` or for a métier of the same grand domaine.

    One shared word is not enough: a course on artificial intelligence whose text says
    "traitement automatique" is linked to the skill "Automatisme", which a lift technician
    lacks; it must not be offered as the way to that trade.
    """
    needed = min(2, len(missing_skill_ids))
    matches = courses_covering(missing_skill_ids, region_code=region_code, limit=4 * limit)
    kept = []
    for match in matches:
        named = [c for c in match.course.rome_codes or [] if isinstance(c, str)]
        if code in named:
            kept.append(match)
        elif len(set(match.covered_skill_ids)) >= needed and (
            not named or any(c[:1] == code[:1] for c in named)
        ):
            kept.append(match)
    return kept[:limit]


def reconversion_targets(
    source: RomeMetier,
    *,
    region_code: str | None = None,
    only_in_demand: bool = False,
    limit: int = 10,
    with_courses: bool = True,
    weights: RankingWeights = DEFAULT_WEIGHTS,
    outlets: Iterable[str] = OCCITANIE_OUTLETS,
) -> list[TargetOccupation]:
    """Target métiers for people leaving `source`, best first (see the module docstring)."""
    source_links = _skill_map([source.code]).get(source.code, {})
    held = set(source_links)
    source_core = _core(source_links)
    use_mobility = bool(weights.mobility or weights.reverse_mobility)
    mobilities = {
        target: rank
        for rank, target in enumerate(
            RomeMobility.objects.filter(source=source)
            .order_by("order", "pk")
            .values_list("target_id", flat=True),
            start=1,
        )
    }
    incoming = set(RomeMobility.objects.filter(target=source).values_list("source_id", flat=True))
    if not use_mobility:  # the evaluation's "without mobility" variant: no candidates from them either
        mobilities, incoming = {}, set()
    sharing = (
        RomeMetierCompetence.objects.filter(competence_id__in=held)
        .exclude(metier_id=source.code)
        .values("metier_id")
        .annotate(n=Count("competence_id"))
        .order_by("-n", "metier_id")[:CANDIDATES]
    )
    family = source.parent_id or source.code
    candidates = {row["metier_id"] for row in sharing} | set(mobilities) | incoming
    candidates |= set(
        RomeMetier.objects.filter(Q(parent_id=family) | Q(code=family)).values_list("code", flat=True)
    )
    candidates.discard(source.code)
    demand = digital_metier_codes()
    if only_in_demand:
        candidates &= demand
    links = _skill_map(candidates)
    parents = dict(RomeMetier.objects.filter(code__in=candidates).values_list("code", "parent_id"))
    affinity = _domain_affinity(source.code[:3])
    outlet_of = outlet_metier_codes(outlets)
    cores = {code: _core(links.get(code, {})) for code in candidates}
    idf = _specificity(source_core.union(*cores.values()))
    source_weight = sum(idf[c] for c in source_core) or 1.0
    scored = []
    for code in candidates:
        target_links = links.get(code, {})
        core = cores[code]
        if not core:
            continue
        shared_core = core & held
        overlap = len(shared_core) / len(core)
        covered = sum(idf[c] for c in shared_core) / sum(idf[c] for c in core)
        reused = sum(idf[c] for c in source_core if c in target_links) / source_weight
        skills = math.sqrt(covered * reused)
        if sum(1 for c in shared_core if idf[c] >= SPECIFIC_IDF) < MIN_SPECIFIC_SHARED:
            skills *= 0.5
        same_family = _family(code, parents) == family
        if same_family:
            proximity = 1.0
        elif code[:3] == source.code[:3]:
            proximity = 0.8
        else:
            proximity = min(0.7, 4 * affinity.get(code[:3], 0.0))
        rank = mobilities.get(code)
        mobility = 0.0 if rank is None else 1.0 / (1.0 + 0.1 * (rank - 1))
        reverse = 1.0 if code in incoming else 0.0
        score = (
            weights.mobility * mobility
            + weights.reverse_mobility * reverse
            + weights.skills * skills
            + weights.domain * proximity
        )
        far = proximity < FAR_PROXIMITY and rank is None and not reverse
        if far and code not in outlet_of:
            score *= weights.far_penalty
        scored.append((score, overlap, code, rank, core, same_family))
    scored.sort(key=lambda t: (-t[0], t[2]))
    scored = scored[:limit]
    competence_ids = {c for row in scored for c in row[4]}
    skills_by_comp = {
        comp: (pk, label)
        for pk, comp, label in Skill.objects.filter(rome_competence_id__in=competence_ids).values_list(
            "pk", "rome_competence_id", "label"
        )
    }
    labels = dict(RomeMetier.objects.filter(code__in=[t[2] for t in scored]).values_list("code", "label"))
    targets = []
    for score, overlap, code, rank, core, same_family in scored:
        shared = sorted(
            (SkillRef(*skills_by_comp[c]) for c in core & held if c in skills_by_comp), key=lambda s: s.label
        )
        missing = sorted(
            (SkillRef(*skills_by_comp[c]) for c in core - held if c in skills_by_comp), key=lambda s: s.label
        )
        target = TargetOccupation(
            code=code,
            label=labels.get(code, code),
            score=round(score, 4),
            overlap=round(overlap, 4),
            shared=shared,
            missing=missing,
            mobility_rank=rank,
            in_demand=code in demand,
            same_family=same_family,
        )
        if with_courses and missing:
            target.courses = courses_for_target(code, [s.skill_id for s in missing], region_code=region_code)
        targets.append(target)
    return targets


def reconversion_path(
    occupation: str, *, region_code: str | None = None, only_in_demand: bool = False, limit: int = 10
) -> ReconversionPath:
    """Reconversion targets from an occupation given as a ROME code, ESCO URI or job title."""
    metier, linked_from = resolve_occupation(occupation)
    targets = reconversion_targets(
        metier, region_code=region_code, only_in_demand=only_in_demand, limit=limit
    )
    return ReconversionPath(metier.code, metier.label, linked_from, targets)


# --- A group of people ----------------------------------------------------------------------


@dataclass
class GroupTarget:
    code: str
    label: str
    people: int
    sources: list[str]
    in_demand: bool


@dataclass
class MissingSkill:
    skill_id: int
    label: str
    people: int
    places: int


@dataclass
class GroupReconversion:
    """What a group (métiers × head-counts) could reach, what it lacks, what training offers."""

    people: int
    sources: list[tuple[str, str, int]]
    targets: list[GroupTarget]
    missing_skills: list[MissingSkill]
    places_available: int
    places_needed: int
    per_source: dict[str, list[TargetOccupation]]


def parse_group(text: str) -> list[tuple[str, int]]:
    """Lines "CODE;NOMBRE" (or "CODE NOMBRE", "CODE,NOMBRE") → [(code, people)]. Raises
    ValueError with a French message naming the line."""
    rows: list[tuple[str, int]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = [p for p in line.replace(";", " ").replace(",", " ").replace("\t", " ").split() if p]
        if len(parts) != 2:
            raise ValueError(
                _("Ligne %(line)d : « code ROME ; nombre de personnes » attendu.") % {"line": number}
            )
        code, count = parts[0].upper(), parts[1]
        if not (len(code) == 5 and code[0].isalpha() and code[1:].isdigit()):
            raise ValueError(
                _("Ligne %(line)d : code ROME invalide « %(code)s ».") % {"line": number, "code": code[:10]}
            )
        if not count.isdigit() or int(count) <= 0 or int(count) > 10_000_000:
            raise ValueError(
                _("Ligne %(line)d : nombre de personnes invalide « %(count)s ».")
                % {"line": number, "count": count[:12]}
            )
        rows.append((code, int(count)))
    if not rows:
        raise ValueError(_("Indiquez au moins un métier et un nombre de personnes."))
    if len(rows) > MAX_GROUP_ROWS:
        raise ValueError(_("Au plus %(max)d métiers à la fois.") % {"max": MAX_GROUP_ROWS})
    known = set(RomeMetier.objects.filter(code__in=[c for c, _n in rows]).values_list("code", flat=True))
    unknown = [c for c, _n in rows if c not in known]
    if unknown:
        raise ValueError(_("Codes ROME inconnus : %(codes)s.") % {"codes": ", ".join(unknown)})
    return rows


def group_reconversion(
    group: Iterable[tuple[str, int]],
    *,
    region_code: str | None = None,
    only_in_demand: bool = False,
    reachable_overlap: float = 0.15,
    targets_per_source: int = 5,
    limit: int = 10,
) -> GroupReconversion:
    """Aggregate view for a group of people (ROME métier code, head-count).

    A target is "reachable" by the people of a source métier when it is among that métier's
    `targets_per_source` best and they already hold `reachable_overlap` (15 %) of its core
    skills: real ROME métiers have 10 to 30 core skills, so moving between trades rarely shares
    more than a third of them, and the table says how many are shared.
    Missing skills count the people of each source once per skill missing for its best target;
    training places are those of `supply_by_skill_and_department` in the region (12 months).
    """
    rows: dict[str, int] = defaultdict(int)
    for code, people in group:
        rows[code] += people
    metiers = RomeMetier.objects.in_bulk(list(rows))
    reach: dict[str, GroupTarget] = {}
    missing_people: dict[int, int] = defaultdict(int)
    missing_labels: dict[int, str] = {}
    per_source: dict[str, list[TargetOccupation]] = {}
    with shared_reads():  # the sources' candidates overlap: their links are read once
        for code in rows:
            if code in metiers:
                per_source[code] = reconversion_targets(
                    metiers[code],
                    region_code=region_code,
                    only_in_demand=only_in_demand,
                    limit=targets_per_source,
                    with_courses=False,
                )
    for code, people in rows.items():
        if code not in per_source:
            continue
        targets = per_source[code]
        for target in targets:
            if target.overlap < reachable_overlap:
                continue
            entry = reach.setdefault(
                target.code, GroupTarget(target.code, target.label, 0, [], target.in_demand)
            )
            entry.people += people
            entry.sources.append(code)
        if targets:
            for skill in targets[0].missing:
                missing_people[skill.skill_id] += people
                missing_labels[skill.skill_id] = skill.label
    supply = supply_by_skill_and_department(region_code=region_code, skill_ids=list(missing_people))
    places: dict[int, int] = defaultdict(int)
    for (skill_id, _department), count in supply.items():
        places[skill_id] += count
    missing = sorted(
        (MissingSkill(s, missing_labels[s], n, places.get(s, 0)) for s, n in missing_people.items()),
        key=lambda m: (-m.people, m.label),
    )[:limit]
    return GroupReconversion(
        people=sum(rows.values()),
        sources=[(c, metiers[c].label if c in metiers else c, n) for c, n in rows.items()],
        targets=sorted(reach.values(), key=lambda t: (-t.people, t.code))[:limit],
        missing_skills=missing,
        places_available=sum(m.places for m in missing),
        places_needed=sum(m.people for m in missing),
        per_source=per_source,
    )


def as_dict(target: TargetOccupation) -> dict[str, Any]:
    """A target as plain data (API and exports)."""
    return {
        "code": target.code,
        "label": target.label,
        "score": target.score,
        "overlap": target.overlap,
        "mobility_rank": target.mobility_rank,
        "in_demand": target.in_demand,
        "explanation": target.explanation,
        "shared_skills": [s.label for s in target.shared],
        "missing_skills": [{"id": s.skill_id, "label": s.label} for s in target.missing],
    }
