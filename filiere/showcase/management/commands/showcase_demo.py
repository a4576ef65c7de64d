"""`filiere showcase_demo`: the TESC Force showcase (about a hundred Occitanie firms), idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from filiere.matching.services import compute_pending_vectors


class Command(BaseCommand):
    help = "Create or refresh the TESC Force showcase demo (Occitanie, aeronautics-heavy profiles)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-vectors",
            action="store_true",
            help="skip the semantic vectors (computed later by the worker)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from filiere.showcase.demo import load_showcase_demo
        from filiere.showcase.ranking import DOC_TYPE

        result = load_showcase_demo()
        self.stdout.write(
            f"{result.firms} firms ({result.created_firms} created), {result.declarations} declarations, "
            f"{result.capacity_now} people available now, {result.indexed} documents indexed"
        )
        self.stdout.write(
            f"skills from the taxonomy: {len(set(result.skills_found))}, local: {sorted(set(result.skills_local))}"
        )
        if not options["no_vectors"]:
            self.stdout.write(f"{compute_pending_vectors(doc_type=DOC_TYPE)} vectors computed")
