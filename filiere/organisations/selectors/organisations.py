"""One organisation: the access function, whether its identity may be shown (non-diffusible units),
its public name, regions, establishments and relations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ..models import Establishment, Organisation, Relation
from ..permissions import may_edit_organisation

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer


def get_organisation_for_user(user: Viewer, pk: int) -> Organisation:
    """The organisation `pk` as `user` may read it, or 404.

    The directory is public: anyone reads every organisation. Non-diffusible ones (INSEE
    "diffusion partielle") are returned too, but pages and the API must show them through
    `public_name` / `can_see_identity`, which hide what INSEE does not allow to publish.
    """
    try:
        return Organisation.objects.get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Organisation inconnue") from None


def can_see_identity(user: Viewer, organisation: Organisation) -> bool:
    """Whether `user` may see the name, address and contact of `organisation`.

    Diffusible organisations: everyone. Non-diffusible ones: only people who can edit them
    (the organisation's own editors, regional administrators, platform staff).
    """
    return organisation.is_diffusible or may_edit_organisation(user, organisation)


def public_name(organisation: Organisation | None, *, establishment: Establishment | None = None) -> str:
    """The name shown to the public: "Non diffusible" for INSEE non-diffusible units."""
    if organisation is not None and not organisation.is_diffusible:
        return str(_("Non diffusible"))
    if establishment is not None and not establishment.is_diffusible:
        return str(_("Non diffusible"))
    if establishment is not None and establishment.name:
        return establishment.name
    return organisation.name if organisation is not None else ""


def organisation_establishments(organisation: Organisation) -> QuerySet:
    """The organisation's establishments, head office first."""
    return organisation.establishments.order_by("-is_head_office", "state", "siret")


def organisation_relations(organisation: Organisation) -> tuple[list[Relation], list[Relation]]:
    """(outgoing, incoming) relations: "X is <kind> Y" from and to this organisation."""
    outgoing = list(
        Relation.objects.filter(source=organisation)
        .select_related("target", "college")
        .order_by("kind", "target__name")
    )
    incoming = list(
        Relation.objects.filter(target=organisation)
        .select_related("source", "college")
        .order_by("kind", "source__name")
    )
    return outgoing, incoming
