"""What the matching engine indexes for a showcase profile, and the reindexing calls.

One document per published profile: doc_type "showcase_org", doc_id = organisation id, text =
name, pitch, declared skill labels, target sector labels and references; its skill ids are the
declared skills (rejected declarations excluded), so the engine can match on the taxonomy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from . import ranking
from .models import CompetenceDeclaration, DeclarationStatus, Reference, ShowcaseProfile

BATCH = 500


def _documents_for(profiles: list[ShowcaseProfile]) -> tuple[list[tuple[int, str]], dict[int, list[int]]]:
    ids = [p.pk for p in profiles]
    skills: dict[int, list[tuple[int, str]]] = defaultdict(list)
    declarations = (
        CompetenceDeclaration.objects.filter(organisation_id__in=ids)
        .exclude(status=DeclarationStatus.REJECTED)
        .values_list("organisation_id", "skill_id", "skill__label")
        .order_by("organisation_id", "skill__label")
    )
    for org_id, skill_id, label in declarations:
        skills[org_id].append((skill_id, label))
    references: dict[int, list[str]] = defaultdict(list)
    for org_id, client, description, sector in Reference.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "client", "description", "sector__label"
    ):
        references[org_id].append(" ".join(part for part in (client, sector or "", description) if part))
    sectors: dict[int, list[str]] = defaultdict(list)
    through = ShowcaseProfile.target_sectors.through
    for profile_id, label in through.objects.filter(showcaseprofile_id__in=ids).values_list(
        "showcaseprofile_id", "sector__label"
    ):
        sectors[profile_id].append(label)
    docs: list[tuple[int, str]] = []
    skill_ids: dict[int, list[int]] = {}
    for profile in profiles:
        parts = [
            profile.organisation.name,
            profile.pitch,
            " ; ".join(label for _, label in skills[profile.pk]),
            " ; ".join(sorted(sectors[profile.pk])),
            " ; ".join(references[profile.pk]),
        ]
        docs.append((profile.pk, "\n".join(part for part in parts if part)))
        skill_ids[profile.pk] = [skill_id for skill_id, _ in skills[profile.pk]]
    return docs, skill_ids


def reindex_organisations(organisation_ids: Iterable[int]) -> int:
    """Index the published profiles among `organisation_ids`, remove the others from the index.

    Called by every service that changes what a profile's document contains. Returns the
    number of documents indexed.
    """
    ids = sorted(set(organisation_ids))
    indexed = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        profiles = list(
            ShowcaseProfile.objects.filter(pk__in=chunk, is_published=True).select_related("organisation")
        )
        published = {p.pk for p in profiles}
        hidden = [pk for pk in chunk if pk not in published]
        if hidden:
            ranking.remove_documents(hidden)
        if profiles:
            docs, skill_ids = _documents_for(profiles)
            indexed += ranking.index_documents(docs, skill_ids=skill_ids)
    return indexed


def reindex_all() -> int:
    """Reindex every profile (published ones indexed, unpublished ones removed)."""
    return reindex_organisations(ShowcaseProfile.objects.values_list("pk", flat=True))


def rebuild_index() -> dict[str, int]:
    """`filiere reindex`: every profile's document (only changed ones are written), and the
    buyer filters' arrays of every process (`facets`)."""
    from . import facets

    written = reindex_all()
    facets.touch()
    return {"documents_written": written}
