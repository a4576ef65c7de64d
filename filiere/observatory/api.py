"""JSON API of the observatory app (mounted at /api/observatory/)."""

from ninja import Router

router = Router(tags=["observatory"])
