"""The consultations section of the personal space: where I take part, what I moderate or answer."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.core.space import SpaceLink, SpaceSection

from . import selectors
from .models import Answer, Moderation


def section(user: Any) -> SpaceSection:
    links = [
        SpaceLink(
            _("Ma participation : %(title)s") % {"title": p.process.title},
            reverse("consultations:detail", args=[p.process_id]),
        )
        for p in selectors.participations_of(user)[:5]
    ]
    for process in selectors.moderated_by(user):
        reported = (
            process.contributions.filter(reports__resolved_at=None, reports__isnull=False).distinct().count()
        )
        links.append(
            SpaceLink(
                _("Modérer : %(title)s") % {"title": process.title},
                reverse("consultations:moderation", args=[process.pk]),
                count=reported or None,
                description=_("Signalements, masquage et rétablissement."),
            )
        )
        if selectors.is_team(user, process):
            pending = process.contributions.filter(
                answer=Answer.PENDING,
                moderation=Moderation.VISIBLE,
                kind__in=("amendment", "proposal", "conclusion"),
            ).count()
            links.append(
                SpaceLink(
                    _("Répondre : %(title)s") % {"title": process.title},
                    reverse("consultations:answers", args=[process.pk]),
                    count=pending or None,
                    description=_("Réponses groupées, nouvelles versions du plan."),
                )
            )
    links.append(SpaceLink(_("Toutes les consultations"), reverse("consultations:list")))
    return SpaceSection(_("Consultations"), links, order=70)
