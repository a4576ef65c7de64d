"""How credible the reconversion targets are: precision of the first ones on an adviser's set.

The set (`eval/reconversion_occitanie.csv`) lists threatened occupations of seed 004's case
(Occitanie: digital and engineering jobs serving aeronautics, 8,000–10,000 threatened) and, for
each, the target métiers a career adviser would accept, each with why:

- `rome_mobility`: ROME 4.0 lists it among the mobilities from the source (any rank);
- `seed:<sector>`: the same trade in one of the sectors the seed names as outlets (rail,
  autonomous_vehicles, maritime, health, retail, fintech);
- `adviser`: checked by hand: the same trade at a comparable level (often the same ROME parent
  fiche), with no new regulated diploma to earn.

A `split` column keeps `held_out` sources apart: the ranking is tuned on `dev` only, and both
are reported. The measures, over the `k` first targets (5 by default): precision (accepted
targets among the k shown, k as the denominator even when fewer are shown), recall (accepted
targets shown / accepted targets) and MRR (1 / rank of the first accepted target, 0 if none in
the k). Variant `without_mobility` ranks with the mobility signal switched off: since ROME
mobilities are both a signal and most of the accepted targets, it tells whether the other
signals (skills, domain) are credible on their own.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from filiere.taxonomy.models import RomeMetier

from .reconversion import DEFAULT_WEIGHTS, RankingWeights, reconversion_targets, shared_reads

EVAL_SET = Path(__file__).parent / "eval" / "reconversion_occitanie.csv"
SEED_SECTORS = ("rail", "autonomous_vehicles", "maritime", "health", "retail", "fintech")
KINDS = frozenset({"rome_mobility", "adviser", *(f"seed:{s}" for s in SEED_SECTORS)})
SPLITS = ("dev", "held_out")
COLUMNS = ("source", "source_label", "split", "target", "target_label", "accepted_by", "note")


class EvalSetError(ValueError):
    """The evaluation file is malformed (message names the line)."""


@dataclass
class EvalSource:
    code: str
    label: str
    split: str
    accepted: dict[str, tuple[str, ...]] = field(default_factory=dict)  # target code → kinds


@dataclass
class SourceResult:
    code: str
    split: str
    top: list[str]
    hits: list[bool]
    precision: float
    recall: float
    reciprocal_rank: float


def _is_rome_code(value: str) -> bool:
    return len(value) == 5 and value[0].isalpha() and value[0].isupper() and value[1:].isdigit()


def load_eval_set(path: Path = EVAL_SET) -> list[EvalSource]:
    """The sources of the set, in file order, each with its accepted targets and their kinds."""
    sources: dict[str, EvalSource] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise EvalSetError(f"{path.name}: header must be {','.join(COLUMNS)}")
        for line, row in enumerate(reader, start=2):
            source, target, split = row["source"], row["target"], row["split"]
            kinds = tuple(row["accepted_by"].split("|"))
            if not (_is_rome_code(source) and _is_rome_code(target)) or source == target:
                raise EvalSetError(f"{path.name} line {line}: bad source/target {source!r} → {target!r}")
            if split not in SPLITS or not set(kinds) <= KINDS:
                raise EvalSetError(f"{path.name} line {line}: bad split or accepted_by {split!r} {kinds}")
            entry = sources.setdefault(source, EvalSource(source, row["source_label"], split))
            if entry.split != split or target in entry.accepted:
                raise EvalSetError(f"{path.name} line {line}: {source} has two splits or a repeated target")
            entry.accepted[target] = kinds
    return list(sources.values())


def score_source(source: EvalSource, ranked: list[str], k: int) -> SourceResult:
    """Precision, recall and reciprocal rank of the `k` first of `ranked` against `source`."""
    top = ranked[:k]
    hits = [code in source.accepted for code in top]
    first = next((rank for rank, hit in enumerate(hits, start=1) if hit), None)
    return SourceResult(
        code=source.code,
        split=source.split,
        top=top,
        hits=hits,
        precision=sum(hits) / k,
        recall=sum(hits) / len(source.accepted) if source.accepted else 0.0,
        reciprocal_rank=1 / first if first else 0.0,
    )


def summarise(results: list[SourceResult]) -> dict[str, dict[str, float]]:
    """Mean precision / recall / MRR per split and over all sources."""
    groups = {split: [r for r in results if r.split == split] for split in SPLITS}
    groups["all"] = results
    summary = {}
    for name, group in groups.items():
        n = len(group) or 1
        summary[name] = {
            "sources": len(group),
            "precision": round(sum(r.precision for r in group) / n, 3),
            "recall": round(sum(r.recall for r in group) / n, 3),
            "mrr": round(sum(r.reciprocal_rank for r in group) / n, 3),
        }
    return summary


Ranker = Callable[[RomeMetier, int], list[str]]


def production_ranker(weights: RankingWeights = DEFAULT_WEIGHTS) -> Ranker:
    """The page's ranking (all targets, no course look-up) with `weights`."""

    def rank(metier: RomeMetier, k: int) -> list[str]:
        targets = reconversion_targets(metier, limit=k, with_courses=False, weights=weights)
        return [t.code for t in targets]

    return rank


def evaluate(sources: list[EvalSource], ranker: Ranker, *, k: int = 5) -> list[SourceResult]:
    """Rank every source with `ranker` and score it. Raises EvalSetError for an unknown source."""
    metiers = RomeMetier.objects.in_bulk([s.code for s in sources])
    missing = [s.code for s in sources if s.code not in metiers]
    if missing:
        raise EvalSetError(
            f"ROME métiers not in the database: {', '.join(missing)} (load them: filiere reference load)"
        )
    return [score_source(s, ranker(metiers[s.code], k), k) for s in sources]


def run_reconversion_eval(*, path: Path = EVAL_SET, k: int = 5) -> dict[str, Any]:
    """Both variants (production, without the mobility signal) on the set at `path`."""
    sources = load_eval_set(path)
    variants = {
        "production": production_ranker(),
        "without_mobility": production_ranker(replace(DEFAULT_WEIGHTS, mobility=0.0, reverse_mobility=0.0)),
    }
    report: dict[str, Any] = {"set": path.name, "k": k, "sources": len(sources), "variants": {}}
    with shared_reads():  # every source of both variants on the same ROME rows (the weights read none)
        for name, ranker in variants.items():
            results = evaluate(sources, ranker, k=k)
            report["variants"][name] = {
                "summary": summarise(results),
                "per_source": [
                    {"source": r.code, "split": r.split, "top": r.top, "hits": r.hits} for r in results
                ],
            }
    return report
