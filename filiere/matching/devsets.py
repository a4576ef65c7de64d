"""Development sets built from the real ROME 4.0 files, and the ranking metrics.

(a) "metier-competences": each sampled métier's definition text is a query; the items are the
    core compétences (savoir-faire) of all sampled métiers; relevant = the métier's own ones.
(b) "appellation-metier": each sampled job title (appellation) is rewritten the way people type
    it (one gender form, no accents, abbreviations, seniority words, "H/F", a typo); the target
    is its métier, ranked by `link_occupations` among all 1,584 ROME métiers.

Sampling is seeded, so the sets are the same from one run to the next.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass

from filiere.core.loading import read_csv
from filiere.core.text import fold
from filiere.taxonomy.importers import rome_file

SEED = 20260


@dataclass
class DevSet:
    """Items, queries and relevance judgements of a ranking task."""

    name: str
    items: list[dict]  # {"id", "type", "text"}
    queries: list[dict]  # {"id", "text", "target_type"}
    relevant: dict[str, set[str]]


def metier_competences(n_queries: int = 150, seed: int = SEED) -> DevSet:
    """Dev set (a): métier definition → its core compétences (among all sampled métiers' ones)."""
    labels = {r["code_ogr"]: r["libelle_competence"] for r in read_csv(rome_file("referentiel_competence"))}
    core: dict[str, list[str]] = defaultdict(list)
    for link in read_csv(rome_file("coherence_item")):
        if link["coeur_metier"] and link["code_ogr"] in labels:
            core[link["code_rome"]].append(link["code_ogr"])
    texts: dict[str, list[str]] = defaultdict(list)
    for row in read_csv(rome_file("texte")):
        if row["libelle_type_texte"] == "definition":
            texts[row["code_rome"]].append(row["libelle_texte"].replace("''", "'"))
    candidates = sorted(code for code in core if texts.get(code) and len(core[code]) >= 3)
    sample = random.Random(seed).sample(candidates, min(n_queries, len(candidates)))
    item_ids = sorted({c for code in sample for c in core[code]})
    return DevSet(
        name="metier-competences",
        items=[{"id": c, "type": "competence", "text": labels[c]} for c in item_ids],
        queries=[{"id": code, "text": " ".join(texts[code]), "target_type": "competence"} for code in sample],
        relevant={code: set(core[code]) for code in sample},
    )


ABBREVIATE = {
    "developpeur": "dev.",
    "ingenieur": "ing.",
    "responsable": "resp.",
    "technicien": "tech.",
    "assistant": "assist.",
    "administrateur": "admin",
}
SENIORITY = ["confirmé", "junior", "senior", "expérimenté", "débutant accepté"]


def rewrite_title(label: str, rng: random.Random) -> str:
    """A realistic rewrite of an official job title (see the module docstring)."""
    # "Développeur / Développeuse web" → one gender form, the other kept as "(e)" sometimes.
    parts = re.split(r"\s*/\s*", label, maxsplit=1)
    if len(parts) == 2:
        first_word_f = parts[1].split(" ", 1)
        rest = first_word_f[1] if len(first_word_f) > 1 else ""
        head = parts[0] if rng.random() < 0.6 else first_word_f[0]
        title = f"{head} {rest}".strip()
    else:
        title = label
    words = title.split()
    if rng.random() < 0.4:
        title = fold(title)
        words = title.split()
    if rng.random() < 0.4:
        words = [ABBREVIATE.get(fold(w), w) for w in words]
    if rng.random() < 0.3:
        long_words = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
        if long_words:
            i = rng.choice(long_words)
            w = words[i]
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1 :] if rng.random() < 0.5 else w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    if rng.random() < 0.4:
        words.append(rng.choice(SENIORITY))
    if rng.random() < 0.5:
        words.append(rng.choice(["H/F", "(H/F)", "F/H"]))
    return " ".join(words)


def appellation_metier(n_queries: int = 300, seed: int = SEED) -> DevSet:
    """Dev set (b): rewritten appellations → their métier (items are the métiers)."""
    rng = random.Random(seed)
    metiers = {r["code_rome"]: r["libelle_rome"] for r in read_csv(rome_file("referentiel_code_rome"))}
    appellations = sorted(
        (r["code_ogr"], r["libelle_appellation_long"], r["code_rome"])
        for r in read_csv(rome_file("referentiel_appellation"))
        if r["code_rome"] in metiers
    )
    sample = rng.sample(appellations, min(n_queries, len(appellations)))
    return DevSet(
        name="appellation-metier",
        items=[{"id": code, "type": "metier", "text": label} for code, label in sorted(metiers.items())],
        queries=[
            {"id": code, "text": rewrite_title(label, rng), "target_type": "metier"}
            for code, label, _ in sample
        ],
        relevant={code: {metier} for code, _label, metier in sample},
    )


def metrics(
    rankings: dict[str, list[str]], relevant: dict[str, set[str]], *, k: int = 10
) -> dict[str, float]:
    """recall@k, MRR and MAP (average precision over the whole returned ranking), averaged over queries."""
    recall = rr = ap = 0.0
    for query_id, wanted in relevant.items():
        ranking = rankings.get(query_id, [])
        if not wanted:
            continue
        recall += len(wanted & set(ranking[:k])) / len(wanted)
        first = next((i for i, doc in enumerate(ranking) if doc in wanted), None)
        rr += 1.0 / (first + 1) if first is not None else 0.0
        hits, precision_sum = 0, 0.0
        for i, doc in enumerate(ranking):
            if doc in wanted:
                hits += 1
                precision_sum += hits / (i + 1)
        ap += precision_sum / len(wanted)
    n = len(relevant) or 1
    return {
        f"recall@{k}": round(recall / n, 4),
        "mrr": round(rr / n, 4),
        "map": round(ap / n, 4),
        "queries": len(relevant),
    }
