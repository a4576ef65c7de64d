"""What the matching engine indexes for talent, and the reindexing calls.

Two document types: "talent_offer" (doc_id = offer id; open offers only; text = title and
description; skill ids = the offer's) and "talent_seeker" (doc_id = job seeker id; people not
anonymised who consented to matching or to being shown to companies; text = wished occupations,
previous occupation, skill labels and CV; skill ids = picked + extracted skills). Everything
talent asks of the engine goes through this module.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from filiere.matching import services as engine

from .models import ConsentPurpose, JobOffer, JobSeeker, OfferStatus

OFFER_DOC = "talent_offer"
SEEKER_DOC = "talent_seeker"
BATCH = 1000
INDEXED_PURPOSES = (ConsentPurpose.MATCHING, ConsentPurpose.SHARE_WITH_COMPANIES)


def offer_text(offer: JobOffer) -> str:
    return "\n".join(part for part in (offer.title, offer.description) if part)


def seeker_skill_ids(seeker: JobSeeker) -> list[int]:
    picked = [s.pk for s in seeker.skills.all()]
    return list(dict.fromkeys([*picked, *seeker.extracted_skill_ids]))


def seeker_text(seeker: JobSeeker, skill_ids: list[int]) -> str:
    occupations = [a.label for a in seeker.wished_appellations.all()]
    occupations += [m.label for m in seeker.wished_metiers.all()]
    occupations += [o.label_fr for o in seeker.wished_occupations.all()]
    parts = [
        " ; ".join(occupations),
        seeker.previous_occupation,
        " ; ".join(engine.skill_labels(skill_ids)),
        seeker.summary,
    ]
    return "\n".join(part for part in parts if part)


def reindex_offers(offer_ids: Iterable[int]) -> int:
    """Index the open offers among `offer_ids`, drop the others from the index."""
    ids = sorted(set(offer_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        offers = list(JobOffer.objects.filter(pk__in=chunk, status=OfferStatus.OPEN))
        open_ids = {o.pk for o in offers}
        closed = [pk for pk in chunk if pk not in open_ids]
        if closed:
            engine.remove_documents(OFFER_DOC, closed)
        if offers:
            written += engine.index_documents(
                OFFER_DOC,
                [(o.pk, offer_text(o)) for o in offers],
                skill_ids={o.pk: list(o.skill_ids) for o in offers},
            )
    return written


def indexable_seekers() -> Q:
    return Q(
        anonymised_at__isnull=True,
        consents__purpose__in=INDEXED_PURPOSES,
        consents__withdrawn_at__isnull=True,
    )


def reindex_seekers(seeker_ids: Iterable[int]) -> int:
    """Index the seekers among `seeker_ids` who may be matched, drop the others from the index."""
    ids = sorted(set(seeker_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        seekers = list(
            JobSeeker.objects.filter(indexable_seekers(), pk__in=chunk)
            .distinct()
            .prefetch_related("skills", "wished_appellations", "wished_metiers", "wished_occupations")
        )
        kept = {s.pk for s in seekers}
        dropped = [pk for pk in chunk if pk not in kept]
        if dropped:
            engine.remove_documents(SEEKER_DOC, dropped)
        docs, skills = [], {}
        for seeker in seekers:
            skill_ids = seeker_skill_ids(seeker)
            skills[seeker.pk] = skill_ids
            docs.append((seeker.pk, seeker_text(seeker, skill_ids)))
        if docs:
            written += engine.index_documents(SEEKER_DOC, docs, skill_ids=skills)
    return written


def reindex_all() -> int:
    """Reindex every offer and every job seeker."""
    return reindex_offers(JobOffer.objects.values_list("pk", flat=True)) + reindex_seekers(
        JobSeeker.objects.values_list("pk", flat=True)
    )


def rebuild_index() -> dict[str, int]:
    """`filiere reindex`: every offer's and job seeker's document (only changed ones are written)."""
    return {"documents_written": reindex_all()}
