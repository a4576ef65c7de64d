"""What the matching engine indexes for a service, and the calls that keep it in step.

One document per published service: doc_type "support_service", doc_id = service id, text =
title, summary, description, theme and provider name. Search in plain French (catalogue, a
firm's need) goes through `search`, so the engine's explanation ("mots : cybersécurité") is the
reason shown to the visitor.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from filiere.matching import services as engine
from filiere.matching.text import UserTextError

from .models import Service

DOC_TYPE = "support_service"

__all__ = ["DOC_TYPE", "UserTextError", "reindex_services", "search"]


def _text(service: Service) -> str:
    parts = [
        service.title,
        service.summary,
        service.description,
        str(service.get_theme_display()),
        service.provider.name,
        service.cost,
    ]
    return "\n".join(part for part in parts if part)


def reindex_services(service_ids: Iterable[int]) -> int:
    """Index the published services among `service_ids`, drop the others; returns how many indexed."""
    ids = sorted(set(service_ids))
    services = list(Service.objects.filter(pk__in=ids, is_published=True).select_related("provider"))
    shown = {s.pk for s in services}
    hidden = [pk for pk in ids if pk not in shown]
    if hidden:
        engine.remove_documents(DOC_TYPE, hidden)
    if not services:
        return 0
    return engine.index_documents(DOC_TYPE, [(s.pk, _text(s)) for s in services])


def reindex_all() -> int:
    """Reindex every service."""
    return reindex_services(Service.objects.values_list("pk", flat=True))


def rebuild_index() -> dict[str, int]:
    """The app's `reindexer` (`filiere reindex`, after a restore): counts of services indexed."""
    return {"services": reindex_all()}


def search(query: str, *, restrict_ids: Collection[int] | None = None, limit: int = 100) -> list[Any]:
    """Services ranked for a French text (engine `Hit`s, best first). Raises `UserTextError`."""
    return engine.search_documents(query, doc_type=DOC_TYPE, restrict_ids=restrict_ids, limit=limit)
