"""Writing the index: documents (text, stemmed terms, skills) created, updated only when
changed, removed; a changed text drops its vectors and enqueues their computation. Also the
version tokens that tell every process its in-process arrays are stale."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from filiere.matching import corpus
from filiere.matching.models import Document, DocumentVector
from filiere.matching.text import MAX_CHARS, UserTextError, clean_user_text, terms_for

from .skills import extract_skill_ids


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def enqueue_vectors(doc_type: str) -> None:
    """Ask a task worker for the vectors; skipped with the in-process backend (it would embed now)."""
    immediate = "ImmediateBackend" in settings.TASKS["default"]["BACKEND"]
    if immediate and not getattr(settings, "MATCHING_EMBED_ON_INDEX", False):
        return
    from filiere.matching.tasks import compute_vectors

    transaction.on_commit(lambda: compute_vectors.enqueue(doc_type=doc_type))


def index_documents(
    doc_type: str, docs: Iterable[tuple[int, str]], *, skill_ids: dict[int, list[int]] | None = None
) -> int:
    """Create or update index rows for (doc_id, text) pairs; returns how many rows were written.

    Skills come from ``skill_ids`` when given for a document, else are extracted from its text.
    A changed text drops the document's vectors and enqueues their computation (background task;
    until then the document ranks through its words and skills). Unchanged rows are not written.
    """
    written: list[Document] = []
    created: list[Document] = []
    changed_text: list[int] = []
    docs = list(docs)
    for start in range(0, len(docs), 1000):
        chunk = docs[start : start + 1000]
        existing = {
            d.doc_id: d for d in Document.objects.filter(doc_type=doc_type, doc_id__in=[i for i, _ in chunk])
        }
        now = timezone.now()
        for doc_id, raw in chunk:
            try:
                text = str(clean_user_text(raw or " ", max_chars=MAX_CHARS)).strip()
            except UserTextError:
                text = ""
            skills = list(skill_ids[doc_id]) if skill_ids and doc_id in skill_ids else extract_skill_ids(text)
            text_hash = _text_hash(text)
            doc = existing.get(doc_id)
            if doc is None:
                created.append(
                    Document(
                        doc_type=doc_type,
                        doc_id=doc_id,
                        text=text,
                        terms=terms_for(text),
                        skill_ids=skills,
                        content_hash=text_hash,
                    )
                )
                continue
            if doc.content_hash == text_hash and doc.skill_ids == skills:
                continue
            if doc.content_hash != text_hash:
                changed_text.append(doc.pk)
                doc.text, doc.terms, doc.content_hash = text, terms_for(text), text_hash
            doc.skill_ids = skills
            doc.updated_at = now
            written.append(doc)
    with transaction.atomic():
        Document.objects.bulk_create(created, batch_size=500)
        if created and created[0].pk is None:  # backends that do not return ids (none we support)
            pks = dict(
                Document.objects.filter(
                    doc_type=doc_type, doc_id__in=[d.doc_id for d in created]
                ).values_list("doc_id", "id")
            )
            for d in created:
                d.pk = pks[d.doc_id]
        Document.objects.bulk_update(
            written, ["text", "terms", "skill_ids", "content_hash", "updated_at"], batch_size=500
        )
        if changed_text:
            DocumentVector.objects.filter(document_id__in=changed_text).delete()
        if created or written:
            corpus.touch(doc_type, vectors=bool(changed_text))
    if created or changed_text:
        enqueue_vectors(doc_type)
    return len(created) + len(written)


def remove_documents(doc_type: str, doc_ids: Iterable[int]) -> None:
    """Remove documents (and their vectors) from the index; unknown ids are ignored."""
    doc_ids = list(doc_ids)
    for start in range(0, len(doc_ids), 1000):
        chunk = doc_ids[start : start + 1000]
        with transaction.atomic():
            pks = list(
                Document.objects.filter(doc_type=doc_type, doc_id__in=chunk).values_list("id", flat=True)
            )
            Document.objects.filter(id__in=pks).delete()
            if pks:
                corpus.touch(doc_type, vectors=True)


def reset_caches() -> None:
    """Forget the in-process corpus and vector caches (tests)."""
    corpus.reset()


def touch_index(doc_type: str, *, vectors: bool = True) -> None:
    """Tell every process that ``doc_type``'s documents (and vectors) changed.

    The services call it themselves; only a loader that writes `Document` rows directly (a
    benchmark's bulk insert) needs it.
    """
    corpus.touch(doc_type, vectors=vectors)


def index_version(doc_type: str) -> str | None:
    """The current version token of ``doc_type`` (None if never touched): a cheap staleness check.

    Callers that keep their own per-process arrays (the showcase's filter columns) use
    `touch_index` and this as a version counter shared by all processes.
    """
    state = corpus.state(doc_type)
    return state[0] if state else None
