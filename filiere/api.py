"""The JSON API: one NinjaAPI, one router per app, OpenAPI at /api/docs.

Every operation declares the errors it can answer with, in two shared shapes, so the document
is a true contract (checked by schemathesis in core/tests/test_api_fuzz.py):
- 404 on operations with a path or query parameter (and the 400 / 403 an app declares itself):
  `ApiError`, `{"detail": "…"}`;
- 422: `ApiValidationError`, django-ninja's own `{"detail": [{"type", "loc", "msg"}, …]}` when a
  parameter does not match its declared type, or `{"detail": "…"}` when an app refuses a value
  in French (an unknown region code, a malformed group of people).
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router, Schema

from filiere.events.api import router as events_router
from filiere.governance.api import router as governance_router
from filiere.matching.api import router as matching_router
from filiere.meetings.api import router as meetings_router
from filiere.meetings.needs.api import router as buyer_needs_router
from filiere.needs.api import router as needs_router
from filiere.observatory.api import router as observatory_router
from filiere.organisations.api import router as organisations_router
from filiere.roadmaps.api import router as roadmaps_router
from filiere.showcase.api import router as showcase_router
from filiere.support.api import router as support_router
from filiere.talent.api import router as talent_router
from filiere.territories.api import router as territories_router
from filiere.training.api import router as training_router


class ApiError(Schema):
    """An error: one sentence (in French for the app's own refusals)."""

    detail: str


class ApiValidationErrorItem(Schema):
    """One invalid parameter, as pydantic reports it."""

    type: str
    loc: list[str | int]
    msg: str


class ApiValidationError(Schema):
    """Invalid parameters: pydantic's list of errors, or one French sentence from the app."""

    detail: list[ApiValidationErrorItem] | str


api = NinjaAPI(
    title="Filière API",
    version="1.0.0",
    description="Annuaire de l'écosystème numérique, territoires et référentiels.",
    urls_namespace="api",
)
ROUTERS: list[tuple[str, Router]] = [
    ("/territories/", territories_router),
    ("/organisations/", organisations_router),
    ("/roadmaps/", roadmaps_router),
    ("/showcase/", showcase_router),
    ("/matching/", matching_router),
    ("/training/", training_router),
    ("/talent/", talent_router),
    ("/needs/", needs_router),
    ("/observatory/", observatory_router),
    ("/events/", events_router),
    ("/support/", support_router),
    ("/governance/", governance_router),
    ("/meetings/", meetings_router),
    ("/buyer-needs/", buyer_needs_router),
]


def declare_errors(router: Router) -> None:
    """Add the shared 422 response to each operation of `router`, and 404 to those with a path or
    query parameter (an id, a code, a campaign that names nothing). An app's own 400 or 403 stay
    as it declared them; its own 422 gives way to the shape ninja really sends."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            models = operation.response_models
            sources = {m.__ninja_param_source__ for m in operation.signature.models}
            if 404 not in models and sources & {"path", "query"}:  # a parameter can name nothing
                models[404] = operation._create_response_model(ApiError)
            models[422] = operation._create_response_model(ApiValidationError)


for prefix, router in ROUTERS:
    declare_errors(router)
    api.add_router(prefix, router)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    """JSON, like every other error of the API (Django would answer with its HTML 403 page)."""
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)
