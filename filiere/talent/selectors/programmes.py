"""Reads of a programme's cohorts and files: the files an adviser sees in a cohort, their counts by
state."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from ..dashboard import Dashboard, Figures, Follow, programme_dashboard  # noqa: F401 (the selector)
from ..models import (
    Cohort,
    File,
    FileState,
)
from ..permissions import people_visible_to

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer

from .access import can_manage_programme


def cohort_files(cohort: Cohort, user: Viewer) -> QuerySet[File]:
    """The files of a cohort `user` may see by name: all of them for the running structure (and
    platform staff); for a partner structure or regional staff, only the people they may see."""
    files = cohort.files.select_related("seeker").order_by("seeker__last_name", "pk")
    if can_manage_programme(user, cohort.programme):
        return files
    return files.filter(seeker__in=people_visible_to(user))


def file_counts(cohort: Cohort) -> dict[str, int]:
    counts = dict(Counter(cohort.files.values_list("state", flat=True)))
    return {str(s.label): counts.get(s.value, 0) for s in FileState}


def group_by_state(files: list[File]) -> dict[str, list[File]]:
    grouped: dict[str, list[File]] = defaultdict(list)
    for f in files:
        grouped[f.state].append(f)
    return grouped
