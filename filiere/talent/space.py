"""What talent adds to the personal space (`core.space`): the recruiters' inbox of applications."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.core.space import SpaceLink, SpaceSection

from . import selectors


def section(user: Any) -> SpaceSection | None:
    """The applications received by the companies the person edits (none: no section)."""
    if not permissions.organisations_with_role(user).exists():
        return None
    return SpaceSection(
        title=_("Recrutement"),
        links=[
            SpaceLink(
                label=_("Candidatures reçues"),
                url=reverse("talent:application_inbox"),
                count=selectors.waiting_applications_count(user),
                description=_("Les candidatures à vos offres : examiner, retenir, refuser avec un motif."),
            )
        ],
        order=40,
    )
