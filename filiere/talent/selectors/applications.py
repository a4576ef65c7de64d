"""Job applications, the company's side: the applications an offer's editors received, how many wait
for an answer, and the access function of one application."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from filiere.organisations import permissions as organisation_permissions

from .. import permissions as talent_permissions
from ..dashboard import Dashboard, Figures, Follow, programme_dashboard  # noqa: F401 (the selector)
from ..models import (
    Application,
    ApplicationStatus,
)

if TYPE_CHECKING:
    pass


def applications_received(user: Any) -> QuerySet[Application]:
    """Applications to the offers of the companies `user` edits themselves (the recruiters'
    inbox; platform and regional staff do not recruit in a company's name)."""
    companies = organisation_permissions.organisations_with_role(user).values("pk")
    return (
        Application.objects.filter(offer__organisation_id__in=companies)
        .select_related("offer__organisation", "seeker")
        .order_by("-created_at", "-pk")
    )


def waiting_applications_count(user: Any) -> int:
    """How many received applications nobody has looked at yet (status "new")."""
    return applications_received(user).filter(status=ApplicationStatus.SENT).count()


def get_application_for_user(user: Any, pk: int) -> Application:
    """An application `user` may read (`permissions.may_see_application`: the offer's company
    editors, the candidate, their following adviser); 404 otherwise. A read by someone else than
    the candidate is written to the access log."""
    from ..services import log_access

    application = (
        Application.objects.filter(pk=pk)
        .select_related("offer__organisation", "seeker__structure", "seeker__adviser", "sent_by")
        .first()
    )
    if application is None or not talent_permissions.may_see_application(user, application):
        raise Http404(_("Candidature introuvable."))
    log_access(seeker=application.seeker, user=user, what=f"candidature {application.pk}")
    return application
