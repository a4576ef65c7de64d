"""`filiere matching rank|vectors|eval|embed-occupations`: the matching engine's commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

CHANNEL_NAMES = ("lexical", "skills", "semantic")


def parse_channels(value: str) -> tuple[str, ...]:
    """ "lexical,skills" → ("lexical", "skills"); "hybrid" or "all" → every channel."""
    if value in ("hybrid", "all"):
        return CHANNEL_NAMES
    channels = tuple(c.strip() for c in value.split(",") if c.strip())
    unknown = set(channels) - set(CHANNEL_NAMES)
    if unknown or not channels:
        raise CommandError(f"Unknown channel(s) {sorted(unknown)}: choose among {', '.join(CHANNEL_NAMES)}.")
    return channels


class Command(BaseCommand):
    help = "Matching engine: rank a corpus, compute vectors, run the evaluation."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rank = sub.add_parser("rank", help="rank ITEMS for each of QUERIES with the production engine")
        rank.add_argument("--items", required=True, help='JSON lines {"id","type","text"}')
        rank.add_argument("--queries", required=True, help='JSON lines {"id","text","target_type"}')
        rank.add_argument("--top", type=int, default=10)
        rank.add_argument(
            "--channels", default="hybrid", help="hybrid (default) or e.g. lexical, lexical,skills"
        )
        rank.add_argument("--output", help="write here instead of standard output")
        vectors = sub.add_parser(
            "vectors", help="embed the documents that lack a vector of the current model"
        )
        vectors.add_argument("--doc-type")
        vectors.add_argument("--batch-size", type=int, default=64)
        evaluate = sub.add_parser("eval", help="evaluate on the ROME dev sets, hybrid vs lexical-only")
        evaluate.add_argument("--queries-a", type=int, default=150, help="métier texts → compétences")
        evaluate.add_argument("--queries-b", type=int, default=300, help="rewritten appellations → métier")
        evaluate.add_argument("--docs", default=str(settings.BASE_DIR / "docs" / "matching-eval.md"))
        evaluate.add_argument(
            "--json", default=str(settings.BASE_DIR / "bench" / "results" / "matching-eval.json")
        )
        sub.add_parser("embed-occupations", help="embed all occupation labels once (cached on disk)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rank":
            self.rank(options)
        elif action == "vectors":
            from filiere.matching.services import compute_pending_vectors

            done = compute_pending_vectors(doc_type=options["doc_type"], batch_size=options["batch_size"])
            self.stdout.write(f"{done} vector(s) computed.")
        elif action == "embed-occupations":
            from filiere.matching.occupations import embed_occupations

            self.stdout.write(f"{embed_occupations()} occupation label(s) embedded.")
        elif action == "eval":
            from filiere.matching.report import run_evaluation

            result = run_evaluation(
                queries_a=options["queries_a"],
                queries_b=options["queries_b"],
                docs_path=Path(options["docs"]),
                json_path=Path(options["json"]),
                log=lambda line: self.stderr.write(line),
            )
            self.stdout.write(json.dumps(result["summary"], ensure_ascii=False, indent=2))

    def rank(self, options: dict[str, Any]) -> None:
        from filiere.matching.evaluation import rank_corpus, read_jsonl

        try:
            items = read_jsonl(options["items"])
            queries = read_jsonl(options["queries"])
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read the input: {exc}") from exc
        for row in items:
            if "id" not in row or "text" not in row:
                raise CommandError(f"Each item needs an id and a text: {row!r}")
        channels = parse_channels(options["channels"])
        result = rank_corpus(items, queries, top=options["top"], channel_sets={"run": channels})
        out = open(options["output"], "w", encoding="utf-8") if options["output"] else self.stdout  # noqa: SIM115
        try:
            for query in queries:
                ranking = result["rankings"]["run"].get(query["id"], [])
                out.write(
                    json.dumps({"query_id": query["id"], "ranking": ranking}, ensure_ascii=False) + "\n"
                )
        finally:
            if out is not self.stdout:
                out.close()
