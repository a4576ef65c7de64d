"""The governance section of the personal space: my memberships, my colleges, my clusters' boards,
the funding lines my organisation funds."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.core.space import SpaceLink, SpaceSection

from . import selectors
from .models import MembershipStatus, MergerStatus, PairDecision


def section(user: Any) -> SpaceSection | None:
    """Links for whoever has something to do with a cluster's governance; None for the others."""
    links = []
    for membership in selectors.memberships_of(user)[:5]:
        links.append(
            SpaceLink(
                _("Adhésion : %(cluster)s") % {"cluster": membership.cluster.name},
                reverse("governance:membership", args=[membership.pk]),
                description=membership.get_status_display(),
            )
        )
    for college in selectors.colleges_of_officer(user):
        pending = college.memberships.filter(status=MembershipStatus.PENDING).count()
        links.append(
            SpaceLink(
                _("Collège : %(name)s") % {"name": college.name},
                reverse("governance:college", args=[college.pk]),
                count=pending or None,
                description=_("Demandes d'adhésion à valider, membres du collège."),
            )
        )
        links.append(
            SpaceLink(
                _("Règles et cotisations : %(name)s") % {"name": college.name},
                reverse("governance:college_rules", args=[college.pk]),
                description=_("Qui peut adhérer, validation, grille de cotisation."),
            )
        )
    for cluster in selectors.clusters_of_board(user)[:5]:
        links.append(
            SpaceLink(
                _("Gouvernance : %(name)s") % {"name": cluster.name},
                reverse("governance:cluster", args=[cluster.pk]),
                description=_("Collèges, cotisations, financements, fusion, historique."),
            )
        )
        links.append(
            SpaceLink(
                _("Nouveau collège : %(name)s") % {"name": cluster.name},
                reverse("governance:college_create", args=[cluster.pk]),
                description=_(
                    "Ses règles d'adhésion, sa grille de cotisation, ses sièges et ses responsables."
                ),
            )
        )
        drafts = list(cluster.mergers_into.filter(status=MergerStatus.DRAFT))
        for merger in drafts:
            pending = merger.pairs.filter(decision=PairDecision.PENDING).count()
            links.append(
                SpaceLink(
                    _("Fusion en préparation : %(name)s") % {"name": cluster.name},
                    reverse("governance:merger", args=[merger.pk]),
                    count=pending or None,
                    description=_("Fichiers des associations, paires à examiner, réalisation."),
                )
            )
        if not drafts and not cluster.mergers_into.exists():
            links.append(
                SpaceLink(
                    _("Préparer une fusion : %(name)s") % {"name": cluster.name},
                    reverse("governance:merger_create", args=[cluster.pk]),
                    description=_(
                        "Les associations qui fusionnent dans le cluster, leurs fichiers de membres."
                    ),
                )
            )
    if selectors.funding_lines_of_funder(user).exists():
        links.append(SpaceLink(_("Financements que nous accordons"), reverse("governance:home")))
    if not links:
        return None
    links.append(SpaceLink(_("Toute ma gouvernance"), reverse("governance:home")))
    return SpaceSection(_("Gouvernance des clusters"), links, order=65)
