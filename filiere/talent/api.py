"""JSON API of the talent app (mounted at /api/talent/)."""

from ninja import Router

router = Router(tags=["talent"])
