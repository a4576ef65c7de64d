"""Occupation linking: a job title → ranked ESCO occupations, ROME appellations and ROME métiers.

Titles are cleaned the way recruiters write them: "H/F", "(e)", seniority and contract words are
dropped, abbreviations expanded ("dév." → développeur), masculine and feminine forms meet through
the shared normaliser, and unknown words are corrected against the labels' vocabulary. Lexical
scoring is an IDF-weighted cosine between the title's words and each label (preferred and
alternative labels, every ROME appellation); the semantic channel (label embeddings, computed once
and cached on disk, never during a request) adds what words miss.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from filiere.core.text import fold
from filiere.matching.gazetteer import Gazetteer, matching_cache_dir, taxonomy_signature
from filiere.matching.text import clean_user_text, tokenize
from filiere.taxonomy.models import EscoOccupation, RomeAppellation, RomeMetier

logger = logging.getLogger(__name__)

OccupationKind = Literal["esco", "rome_appellation", "rome_metier"]

SENIORITY = frozenset(
    """
    junior senior confirme confirmee experimente experimentee debutant debutante expert
    cdi cdd stage stagiaire alternance alternant interim freelance independant poste h f hf fh
    lead principal chef""".split()
) - {"chef"}
ABBREVIATIONS = {
    "dev": "developpeur",
    "devs": "developpeur",
    "developer": "developpeur",
    "ing": "ingenieur",
    "inge": "ingenieur",
    "engineer": "ingenieur",
    "resp": "responsable",
    "tech": "technicien",
    "techn": "technicien",
    "assist": "assistant",
    "admin": "administrateur",
    "adm": "administrateur",
    "comm": "commercial",
    "dir": "directeur",
    "manager": "responsable",
    "fullstack": "full stack",
    "frontend": "front end",
    "backend": "back end",
    "sysadmin": "administrateur systeme",
    "devops": "devops",
}
# Phrases that imply a word the labels use ("full stack" developers are web developers in ESCO).
PHRASES = {"full stack": "web", "front end": "web", "back end": "web", "data scientist": "donnees"}
_GENDER = re.compile(r"\(\s*(?:h\s*/\s*f|f\s*/\s*h|e|ne|se|euse|rice|ère)\s*\)", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class OccupationLink:
    """A ranked occupation for a title: ESCO URI, ROME OGR code (appellation) or ROME code (métier)."""

    kind: OccupationKind
    code: str
    label: str
    score: float
    metier_code: str = ""


@dataclass
class OccupationIndex:
    """Labels of all occupations, their words, and an inverted index (built once per taxonomy)."""

    signature: str
    targets: list[tuple[OccupationKind, str, str, str]] = field(
        default_factory=list
    )  # kind, code, label, métier
    entries: list[tuple[int, frozenset[str], float]] = field(default_factory=list)  # target, words, weight
    postings: dict[str, list[int]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    speller: Gazetteer = field(default_factory=Gazetteer)
    vectors: np.ndarray | None = None  # one row per target (its preferred label), when embedded


def title_words(title: str) -> list[str]:
    """The normalised words of a job title, without gender marks, seniority or contract words."""
    text = _GENDER.sub(" ", title)
    expanded: list[str] = []
    for raw in _WORD.findall(text):
        folded = fold(raw)
        expanded.append(ABBREVIATIONS.get(folded, folded))
    joined = " ".join(expanded)
    for phrase, extra in PHRASES.items():
        if phrase in joined:
            joined = f"{joined} {extra}"
    words = [t.norm for t in tokenize(joined) if t.folded not in SENIORITY]
    return list(dict.fromkeys(words))


def _label_variants(label: str) -> list[str]:
    """ "développeur web/développeuse web" → both forms (the normaliser then merges them)."""
    parts = [p.strip() for p in label.split("/") if p.strip()]
    return [label, *parts] if len(parts) > 1 else [label]


def build_occupation_index(signature: str = "") -> OccupationIndex:
    """Collect ESCO occupations, ROME appellations and métiers with all their labels."""

    index = OccupationIndex(signature=signature)

    def add_target(
        kind: OccupationKind, code: str, label: str, metier: str, labels: list[tuple[str, float]]
    ) -> None:
        target = len(index.targets)
        index.targets.append((kind, code, label, metier))
        seen: set[frozenset[str]] = set()
        for text, weight in labels:
            for variant in _label_variants(text):
                tokens = tokenize(variant)
                words = frozenset(t.norm for t in tokens)
                if not words or words in seen:
                    continue
                seen.add(words)
                index.entries.append((target, words, weight))
                for t in tokens:
                    index.speller.vocab.setdefault(t.folded, t.norm)

    for uri, label, alts in EscoOccupation.objects.exclude(label_fr="").values_list(
        "uri", "label_fr", "alt_labels_fr"
    ):
        add_target("esco", uri, label, "", [(label, 1.0)] + [(a, 0.95) for a in alts or ()])
    for code, label, short, metier in RomeAppellation.objects.values_list(
        "code_ogr", "label", "label_short", "metier_id"
    ):
        add_target("rome_appellation", code, label, metier, [(label, 1.0), (short, 0.95)])
    for code, label in RomeMetier.objects.values_list("code", "label"):
        add_target("rome_metier", code, label, code, [(label, 1.0)])

    df: dict[str, int] = {}
    for entry, (_target, words, _weight) in enumerate(index.entries):
        for w in words:
            index.postings.setdefault(w, []).append(entry)
            df[w] = df.get(w, 0) + 1
    n = len(index.entries) or 1
    index.idf = {w: math.log(1 + n / c) for w, c in df.items()}
    index.speller._index_vocab()
    return index


_lock = threading.Lock()
_index: OccupationIndex | None = None


def get_occupation_index() -> OccupationIndex:
    """The occupation index of the current taxonomy (built on first use, a few seconds)."""
    global _index
    signature = taxonomy_signature()
    with _lock:
        if _index is None or _index.signature != signature:
            _index = build_occupation_index(signature)
            _load_cached_vectors(_index)
        return _index


def reset_occupation_index() -> None:
    """Forget the in-process index (tests)."""
    global _index
    with _lock:
        _index = None


EMBEDDED_KINDS: tuple[OccupationKind, ...] = ("esco", "rome_metier")


def _vectors_path(index: OccupationIndex, kinds: tuple[OccupationKind, ...] = EMBEDDED_KINDS) -> Path:
    from filiere.matching.embeddings import get_embedder

    embedder = get_embedder()
    key = hashlib.sha1(
        f"{index.signature}|{embedder.name}|{embedder.version}|{len(index.targets)}|{sorted(kinds)}".encode()
    ).hexdigest()[:16]
    return matching_cache_dir() / f"occupations-{key}.npy"


def _load_cached_vectors(index: OccupationIndex) -> None:
    # The full matrix, else one with métier labels only (what the evaluation computes).
    for kinds in (EMBEDDED_KINDS, ("rome_metier",)):
        path = _vectors_path(index, kinds)
        if path.is_file():
            vectors = np.load(path)
            if vectors.shape[0] == len(index.targets):
                index.vectors = vectors
                return


def embed_occupations(*, kinds: tuple[OccupationKind, ...] = EMBEDDED_KINDS, batch_size: int = 32) -> int:
    """Embed the ESCO and ROME métier labels once and cache the matrix on disk (a command runs it).

    An appellation shares its métier's vector: 13,000 more labels would cost many minutes of CPU
    for little, since the lexical channel already reads every appellation. Labels of kinds not
    embedded get a zero vector (no semantic contribution).
    """
    from filiere.matching.embeddings import get_embedder

    index = get_occupation_index()
    path = _vectors_path(index, kinds)
    if index.vectors is not None and path.is_file():
        return 0
    embedder = get_embedder()
    rows = [
        i for i, (kind, *_rest) in enumerate(index.targets) if kind in kinds and kind != "rome_appellation"
    ]
    labels = [index.targets[i][2] for i in rows]
    parts = [
        embedder.embed(labels[i : i + batch_size], kind="passage") for i in range(0, len(labels), batch_size)
    ]
    vectors = np.zeros((len(index.targets), embedder.dim), dtype=np.float32)
    if parts:
        vectors[rows] = np.vstack(parts)
    metier_rows = {index.targets[i][1]: i for i in rows if index.targets[i][0] == "rome_metier"}
    for i, (kind, _code, _label, metier) in enumerate(index.targets):
        if kind == "rome_appellation" and metier in metier_rows:
            vectors[i] = vectors[metier_rows[metier]]
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    index.vectors = vectors
    return len(labels)


def link_occupations(
    title: str,
    *,
    top: int = 10,
    kinds: tuple[OccupationKind, ...] = ("esco", "rome_appellation", "rome_metier"),
    semantic: bool = True,
) -> list[OccupationLink]:
    """Rank occupations for a job title; raises `UserTextError` on an empty or binary title.

    ROME métiers also collect the best score of their appellations. The semantic channel is used
    only when the label vectors are already cached (`embed_occupations`), never computed here.
    """
    clean = clean_user_text(title, max_chars=500)
    index = get_occupation_index()
    words: list[str] = []
    for w in title_words(clean):
        if w not in index.idf:
            fixed = index.speller.correct(w) if w.isalpha() else None
            if fixed is not None:
                w = index.speller.vocab[fixed]
        words.append(w)
    scores = np.zeros(len(index.targets), dtype=np.float32)
    if words:
        q_weight = sum(index.idf.get(w, 1.0) ** 2 for w in words)
        best: dict[int, float] = {}
        for entry in {e for w in words for e in index.postings.get(w, ())}:
            target, label_words, weight = index.entries[entry]
            shared = sum(index.idf[w] ** 2 for w in label_words if w in words)
            l_weight = sum(index.idf[w] ** 2 for w in label_words)
            score = weight * shared / math.sqrt(q_weight * l_weight)
            if score > best.get(target, 0.0):
                best[target] = score
        for target, score in best.items():
            scores[target] = score
    if semantic and index.vectors is not None:
        from filiere.matching.embeddings import embed_query

        cosine = index.vectors @ embed_query(" ".join(title_words(clean)) or clean)
        scores += 0.5 * np.clip((cosine - 0.8) / 0.2, 0.0, 1.0)
    # A métier is as good as its best appellation.
    metier_rows = {code: i for i, (kind, code, _l, _m) in enumerate(index.targets) if kind == "rome_metier"}
    for i, (kind, _code, _label, metier) in enumerate(index.targets):
        if kind == "rome_appellation" and scores[i] > 0 and metier in metier_rows:
            row = metier_rows[metier]
            scores[row] = max(scores[row], scores[i] * 0.98)
    links: list[OccupationLink] = []
    order = np.argsort(-scores, kind="stable")
    per_kind: dict[str, int] = {}
    for i in order:
        if scores[i] <= 0:
            break
        kind, code, label, metier = index.targets[i]
        if kind not in kinds or per_kind.get(kind, 0) >= top:
            continue
        per_kind[kind] = per_kind.get(kind, 0) + 1
        links.append(OccupationLink(kind, code, label, round(float(scores[i]), 4), metier))
        if all(per_kind.get(k, 0) >= top for k in kinds):
            break
    return links
