"""Skill extraction: a gazetteer of taxonomy labels matched in French free text.

Surfaces come from ESCO preferred, alternative and English labels, ROME compétence and savoir
labels, local skills and a small curated table of acronyms and English terms (`SYNONYMS`). Each
surface is normalised like the text (`filiere.matching.text`), so accents, elisions, plurals and
feminine forms match. Surfaces that share a normalised preferred label form one *concept* (the
ESCO skill and the ROME savoir "apprentissage automatique" are one concept), which is also what
the search's skill channel compares.

Matching is greedy longest-match over token sequences, with a dict of first tokens. Unknown words
of five letters or more are corrected first (one edit, same first letter, through a deletion
index, ties broken by character-trigram Jaccard), so "aprentissage automatque" still matches.

The compiled gazetteer is cached in process and in a pickle under the cache directory, keyed by
the taxonomy's signature (skill count, last skill id, last reference load).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import re
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from filiere.matching.text import Token, normalize_word, tokenize
from filiere.taxonomy.models import Skill, SkillKind

logger = logging.getLogger(__name__)

MAX_LABEL_TOKENS = 10
MIN_FUZZY_LENGTH = 5
SIGNATURE_CHECK_SECONDS = 30.0

# Curated surface → French taxonomy label. Targets that the loaded taxonomy lacks are skipped.
SYNONYMS: dict[str, list[str]] = {
    "ia": ["intelligence artificielle"],
    "ai": ["intelligence artificielle"],
    "artificial intelligence": ["intelligence artificielle"],
    "ml": ["machine learning"],
    "apprentissage automatique": ["machine learning"],
    "apprentissage machine": ["machine learning"],
    "apprentissage statistique": ["machine learning"],
    "apprentissage profond": ["deep learning"],
    "science des donnees": ["data science"],
    "sciences des donnees": ["data science"],
    "rpa": ["automatisation robotisée des processus (RPA)"],
    "robotic process automation": ["automatisation robotisée des processus (RPA)"],
    "automatisation robotique des processus": ["automatisation robotisée des processus (RPA)"],
    "robotisation des processus": ["automatisation robotisée des processus (RPA)"],
    "bim": ["Building Information Modeling (BIM)"],
    "building information modeling": ["Building Information Modeling (BIM)"],
    "maquette numerique du batiment": ["Building Information Modeling (BIM)"],
    "rgpd": ["Règlement Général européen sur la Protection des Données (RGPD)"],
    "gdpr": ["Règlement Général européen sur la Protection des Données (RGPD)"],
    "reglement general sur la protection des donnees": [
        "Règlement Général européen sur la Protection des Données (RGPD)"
    ],
    "devops": ["DevOps"],
    "cloud": ["technologies de dématérialisation"],
    "cloud computing": ["technologies de dématérialisation"],
    "cybersecurity": ["cybersécurité"],
    "cyber securite": ["cybersécurité"],
    "project management": ["gestion de projets"],
    "nlp": ["traitement automatique du langage naturel"],
    "iot": ["Internet des objets"],
    "ferroviaire": ["Transport ferroviaire"],
    "rail": ["Transport ferroviaire"],
    "aeronautique": ["Technologie aéronautique"],
}

# Skills the curated table points to that neither ESCO nor ROME has: created as local skills
# (no owner organisation) by the migration 0004 and `ensure_curated_skills`.
CURATED_SKILLS = ["automatisation robotisée des processus (RPA)"]

# Concepts whose only taxonomy label is English (ESCO has no French label for them) or opaque.
DISPLAY_LABELS: dict[str, str] = {
    "machine learning": "apprentissage automatique",
    "deep learning": "apprentissage profond",
    "data science": "science des données",
    "technologies de dématérialisation": "informatique en nuage (cloud)",
}

_CURATED = hashlib.sha1(repr((SYNONYMS, DISPLAY_LABELS, MAX_LABEL_TOKENS)).encode()).hexdigest()[:8]
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9+#]{1,7}|[A-Z0-9]{2,8}")  # SQL, IdO, DevOps, C++
_PAREN = re.compile(r"\s*\([^)]*\)\s*")


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def jaccard(a: str, b: str) -> float:
    """Character-trigram Jaccard similarity of two words."""
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


@dataclass(frozen=True, slots=True)
class RawMatch:
    """A concept found in a text, before it is mapped to a skill id."""

    concept: int
    score: float
    start: int
    end: int
    fuzzy: bool


@dataclass
class Gazetteer:
    """The compiled surfaces of all skills; build with `build_gazetteer`, query with `find`."""

    signature: str = ""
    concept_labels: list[str] = field(default_factory=list)
    concept_skills: list[list[int]] = field(default_factory=list)
    skill_concept: dict[int, int] = field(default_factory=dict)
    surfaces: dict[tuple[str, ...], list[tuple[int, float]]] = field(default_factory=dict)
    first_max: dict[str, int] = field(default_factory=dict)
    vocab: dict[str, str] = field(default_factory=dict)  # folded word → normalised word
    deletes: dict[str, list[str]] = field(default_factory=dict)
    _corrections: dict[str, str | None] = field(default_factory=dict, repr=False)

    # -- building ----------------------------------------------------------------------------
    def _concept_for(self, key: tuple[str, ...], label: str, keys: dict[tuple[str, ...], int]) -> int:
        index = keys.get(key)
        if index is None:
            index = keys[key] = len(self.concept_labels)
            self.concept_labels.append(label)
            self.concept_skills.append([])
        return index

    def _add_surface(self, text: str, concept: int, weight: float, *, allow_single: bool = True) -> None:
        tokens = tokenize(text)
        if not tokens or len(tokens) > MAX_LABEL_TOKENS:
            return
        if len(tokens) == 1:
            # "Ingénieur du son" minus its stopwords is "ingénieur": far too broad to keep.
            if len(tokenize(text, keep_stopwords=True)) > 1:
                return
            if not allow_single and not _ACRONYM.fullmatch(text.strip()):
                return
        key = tuple(t.norm for t in tokens)
        entries = self.surfaces.setdefault(key, [])
        for i, (existing, w) in enumerate(entries):
            if existing == concept:
                if weight > w:
                    entries[i] = (concept, weight)
                return
        entries.append((concept, weight))
        entries.sort(key=lambda e: -e[1])
        del entries[4:]
        self.first_max[key[0]] = max(self.first_max.get(key[0], 0), len(key))
        for t in tokens:
            self.vocab.setdefault(t.folded, t.norm)

    def _index_vocab(self) -> None:
        deletes: dict[str, list[str]] = {}
        for word in self.vocab:
            if len(word) < MIN_FUZZY_LENGTH or not word.isalpha():
                continue
            deletes.setdefault(word, []).append(word)
            for i in range(1, len(word)):  # never delete the first letter
                deletes.setdefault(word[:i] + word[i + 1 :], []).append(word)
        self.deletes = deletes

    # -- matching ----------------------------------------------------------------------------
    def correct(self, folded: str) -> str | None:
        """The vocabulary word one edit away from an unknown word (same first letter), or None."""
        if folded in self._corrections:
            return self._corrections[folded]
        best: str | None = None
        if len(folded) >= MIN_FUZZY_LENGTH and folded.isalpha():
            candidates: set[str] = set(self.deletes.get(folded, ()))
            for i in range(1, len(folded)):
                candidates.update(self.deletes.get(folded[:i] + folded[i + 1 :], ()))
            candidates = {c for c in candidates if c[0] == folded[0] and abs(len(c) - len(folded)) <= 1}
            if candidates:
                best = max(sorted(candidates), key=lambda c: jaccard(folded, c))
                if jaccard(folded, best) < 0.45:
                    best = None
        if len(self._corrections) < 100_000:
            self._corrections[folded] = best
        return best

    def find(self, tokens: list[Token], *, fuzzy: bool = True) -> list[RawMatch]:
        """Greedy longest matches of surfaces in a token sequence (non-overlapping)."""
        norms: list[str] = []
        fuzzed: list[bool] = []
        for t in tokens:
            if fuzzy and t.folded not in self.vocab and t.norm not in self.first_max:
                corrected = self.correct(t.folded)
                if corrected is not None:
                    norms.append(self.vocab[corrected])
                    fuzzed.append(True)
                    continue
            norms.append(t.norm)
            fuzzed.append(False)
        matches: list[RawMatch] = []
        i, n = 0, len(norms)
        while i < n:
            longest = self.first_max.get(norms[i], 0)
            step = 1
            for length in range(min(longest, n - i), 0, -1):
                entries = self.surfaces.get(tuple(norms[i : i + length]))
                if not entries:
                    continue
                any_fuzzy = any(fuzzed[i : i + length])
                # A lone corrected short word is too often a different real word.
                if any_fuzzy and length == 1 and len(tokens[i].folded) < 8:
                    continue
                base = 0.6 + 0.2 * min(length, 2)
                for concept, weight in entries[:2]:
                    score = base * weight * (0.8 if any_fuzzy else 1.0)
                    matches.append(
                        RawMatch(
                            concept, round(score, 3), tokens[i].start, tokens[i + length - 1].end, any_fuzzy
                        )
                    )
                step = length
                break
            i += step
        return matches


def matching_cache_dir() -> Path:
    configured = getattr(settings, "MATCHING_CACHE_DIR", None)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "filiere-matching"


def taxonomy_signature() -> str:
    """A cheap fingerprint of the skills in the database (changes when a load or a local skill does)."""
    from django.db.models import Count, Max

    from filiere.core.models import ImportRun

    stats = Skill.objects.aggregate(n=Count("id"), last=Max("id"))
    # Reference loads are the runs of kind "reference:<dataset>" (`filiere reference load`).
    loaded = ImportRun.objects.filter(kind__startswith="reference:").aggregate(last=Max("finished_at"))[
        "last"
    ]
    from django.db import connection

    raw = f"{connection.settings_dict.get('NAME')}|{stats['n']}|{stats['last']}|{loaded}|{_CURATED}|v4"
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def build_gazetteer(signature: str = "") -> Gazetteer:
    """Compile all skill labels of the database into a `Gazetteer` (a few seconds for ESCO + ROME)."""

    started = time.monotonic()
    gaz = Gazetteer(signature=signature)
    keys: dict[tuple[str, ...], int] = {}
    rank = {SkillKind.ESCO: 0, SkillKind.ROME: 1, SkillKind.LOCAL: 2}
    rows = list(
        Skill.objects.values_list(
            "id",
            "label",
            "kind",
            "esco_skill__alt_labels_fr",
            "esco_skill__label_en",
            "esco_skill__skill_type",
        )
    )
    rows.sort(key=lambda r: (rank.get(r[2], 3), r[0]))
    for skill_id, label, _kind, alt_labels, label_en, skill_type in rows:
        if not label:
            continue
        tokens = tokenize(label)
        if not tokens:
            continue
        key = tuple(t.norm for t in tokens[:MAX_LABEL_TOKENS])
        concept = gaz._concept_for(key, label, keys)
        gaz.concept_skills[concept].append(skill_id)
        gaz.skill_concept[skill_id] = concept
        gaz._add_surface(label, concept, 1.0)
        bare = _PAREN.sub(" ", label).strip()
        if bare and bare != label:
            # "Python (programmation informatique)" → "Python", but not "Chef (outils de ...)" → "Chef".
            gaz._add_surface(bare, concept, 0.9, allow_single="programmation" in label or "langage" in label)
        # One-word alternative labels of know-how are mostly adjectives ("fiable"); of knowledge, nouns.
        single = skill_type == "knowledge"
        for alt in alt_labels or ():
            gaz._add_surface(alt, concept, 0.9, allow_single=single)
        if label_en:
            gaz._add_surface(label_en, concept, 0.8, allow_single=single)
    for surface, targets in SYNONYMS.items():
        for target in targets:
            target_key = tuple(t.norm for t in tokenize(target))
            concept = keys.get(target_key)
            if concept is not None:
                # A curated synonym wins over whatever else the surface meant ("ML" the language).
                surface_key = tuple(t.norm for t in tokenize(surface))
                gaz.surfaces.pop(surface_key, None)
                gaz._add_surface(surface, concept, 1.0)
                break
    for concept, label in enumerate(gaz.concept_labels):
        if label in DISPLAY_LABELS:
            gaz.concept_labels[concept] = DISPLAY_LABELS[label]
    gaz._index_vocab()
    logger.info(
        "gazetteer: %d concepts, %d surfaces in %.1fs",
        len(gaz.concept_labels),
        len(gaz.surfaces),
        time.monotonic() - started,
    )
    return gaz


_lock = threading.Lock()
_current: Gazetteer | None = None
_checked_at = 0.0


def get_gazetteer() -> Gazetteer:
    """The gazetteer for the current taxonomy, built once and cached (process, then pickle file)."""
    global _current, _checked_at
    now = time.monotonic()
    if _current is not None and now - _checked_at < SIGNATURE_CHECK_SECONDS:
        return _current
    with _lock:
        signature = taxonomy_signature()
        _checked_at = time.monotonic()
        if _current is not None and _current.signature == signature:
            return _current
        path = matching_cache_dir() / f"gazetteer-{signature}.pickle"
        gaz: Gazetteer | None = None
        if path.is_file():
            try:
                with path.open("rb") as fh:
                    gaz = pickle.load(fh)
            except Exception:  # a stale or partial cache file is rebuilt, never fatal
                logger.warning("ignoring unreadable gazetteer cache %s", path)
                gaz = None
        if gaz is None:
            gaz = build_gazetteer(signature)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                with tmp.open("wb") as fh:
                    pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
                tmp.replace(path)
                # Keep the few newest compiled gazetteers (one per database/taxonomy in use).
                olds = sorted(path.parent.glob("gazetteer-*.pickle"), key=lambda p: p.stat().st_mtime)
                for old in olds[:-4]:
                    old.unlink(missing_ok=True)
            except OSError:
                logger.warning("could not write gazetteer cache %s", path)
        _current = gaz
        return gaz


def ensure_curated_skills(skill_model: type | None = None) -> int:
    """Create the local skills of CURATED_SKILLS that are missing; returns how many were created."""
    if skill_model is None:
        skill_model = Skill
    created = 0
    for label in CURATED_SKILLS:
        _, was_created = skill_model.objects.get_or_create(
            label=label, kind="local", owner_organisation_id=None, esco_skill=None, rome_competence=None
        )
        created += was_created
    return created


def reset_gazetteer() -> None:
    """Forget the in-process gazetteer (tests, or after editing local skills)."""
    global _current, _checked_at
    with _lock:
        _current = None
        _checked_at = 0.0


def concepts_of(skill_ids: Iterable[int]) -> set[int]:
    """The concept indexes of skill ids (ids the gazetteer does not know are ignored)."""
    gaz = get_gazetteer()
    return {c for s in skill_ids if (c := gaz.skill_concept.get(s)) is not None}


__all__ = [
    "CURATED_SKILLS",
    "Gazetteer",
    "RawMatch",
    "build_gazetteer",
    "concepts_of",
    "ensure_curated_skills",
    "get_gazetteer",
    "normalize_word",
]
