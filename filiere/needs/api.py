"""JSON API of the needs app (mounted at /api/needs/)."""

from ninja import Router

router = Router(tags=["needs"])
