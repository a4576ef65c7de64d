"""`filiere link-occupations QUERIES.tsv --top K`: job titles → ranked ESCO occupations.

Reads `id<TAB>title` lines, writes `id<TAB>rank<TAB>esco_uri<TAB>score` lines (rank from 1).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Link job titles (id<TAB>title lines) to ESCO occupations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("queries", help="TSV file: id<TAB>title, or - for standard input")
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument("--lexical", action="store_true", help="lexical channel only")
        parser.add_argument("--output", help="write here instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        from filiere.matching.occupations import link_occupations
        from filiere.matching.text import UserTextError

        try:
            source = sys.stdin if options["queries"] == "-" else open(options["queries"], encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot read {options['queries']}: {exc}") from exc
        out = open(options["output"], "w", encoding="utf-8") if options["output"] else self.stdout  # noqa: SIM115
        try:
            for number, line in enumerate(source, start=1):
                line = line.rstrip("\n\r")
                if not line.strip():
                    continue
                if "\t" not in line:
                    raise CommandError(f"Line {number}: expected id<TAB>title.")
                query_id, title = line.split("\t", 1)
                try:
                    links = link_occupations(
                        title, top=options["top"], kinds=("esco",), semantic=not options["lexical"]
                    )
                except UserTextError:
                    links = []
                for rank, link in enumerate(links, start=1):
                    out.write(f"{query_id}\t{rank}\t{link.code}\t{link.score:.4f}\n")
        finally:
            if source is not sys.stdin:
                source.close()
            if out is not self.stdout:
                out.close()
