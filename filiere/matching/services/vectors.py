"""Documents' embeddings: those lacking a vector of the current model, and their computation in
batches (the `compute_vectors` task and the `matching vectors` command)."""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef

from filiere.matching import corpus
from filiere.matching.embeddings import Embedder, get_embedder
from filiere.matching.models import Document, DocumentVector


def pending_vectors(*, doc_type: str | None = None, embedder: Embedder | None = None):  # noqa: ANN201
    """Documents that lack a vector of the current embedder (name and version)."""
    embedder = embedder or get_embedder()
    current = DocumentVector.objects.filter(
        document=OuterRef("pk"), model_name=embedder.name, model_version=embedder.version
    )
    queryset = Document.objects.filter(~Exists(current))
    return queryset.filter(doc_type=doc_type) if doc_type else queryset


def compute_pending_vectors(
    *, doc_type: str | None = None, batch_size: int = 64, embedder: Embedder | None = None
) -> int:
    """Embed every document without a vector of the current model; returns how many were embedded.

    Vectors of other model versions are replaced. Run by the `compute_vectors` task and the
    `matching vectors` command.
    """
    embedder = embedder or get_embedder()
    done = 0
    while True:
        batch = list(pending_vectors(doc_type=doc_type, embedder=embedder).order_by("id")[:batch_size])
        if not batch:
            return done
        vectors = embedder.embed([d.text or " " for d in batch], kind="passage").astype(np.float32)
        with transaction.atomic():
            DocumentVector.objects.filter(document__in=batch).delete()
            DocumentVector.objects.bulk_create(
                [
                    DocumentVector(
                        document=d,
                        model_name=embedder.name,
                        model_version=embedder.version,
                        dim=vectors.shape[1],
                        vector=vectors[i].tobytes(),
                    )
                    for i, d in enumerate(batch)
                ]
            )
            corpus.touch([d.doc_type for d in batch], documents=False, vectors=True)
        done += len(batch)
