"""The JSON API: one NinjaAPI, one router per app, OpenAPI at /api/docs."""

from ninja import NinjaAPI

from filiere.matching.api import router as matching_router
from filiere.needs.api import router as needs_router
from filiere.observatory.api import router as observatory_router
from filiere.organisations.api import router as organisations_router
from filiere.roadmaps.api import router as roadmaps_router
from filiere.showcase.api import router as showcase_router
from filiere.talent.api import router as talent_router
from filiere.territories.api import router as territories_router
from filiere.training.api import router as training_router

api = NinjaAPI(
    title="Filière API",
    version="1.0.0",
    description="Annuaire de l'écosystème numérique, territoires et référentiels.",
    urls_namespace="api",
)
api.add_router("/territories/", territories_router)
api.add_router("/organisations/", organisations_router)
api.add_router("/roadmaps/", roadmaps_router)
api.add_router("/showcase/", showcase_router)
api.add_router("/matching/", matching_router)
api.add_router("/training/", training_router)
api.add_router("/talent/", talent_router)
api.add_router("/needs/", needs_router)
api.add_router("/observatory/", observatory_router)
