"""Rights and access functions: who edits a firm's showcase, the profile, declaration, contact
request and saved search a request names (hidden → Http404, seen but not allowed →
PermissionDenied), contact requests a user sees and declarations waiting for their validation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from filiere.accounts import permissions
from filiere.core.params import parse_int
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import Organisation

from ..models import CompetenceDeclaration, ContactRequest, DeclarationStatus, SavedSearch, ShowcaseProfile

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer


def can_edit_showcase(user: Viewer, organisation: Organisation | int) -> bool:
    """Whether `user` may edit a firm's showcase: whoever may edit the firm."""
    return organisation_permissions.may_edit_organisation(user, organisation)


def editable_organisations(user: Viewer) -> QuerySet[Organisation]:
    """Organisations whose showcase `user` edits through a membership (staff: none listed)."""
    return organisation_permissions.organisations_with_role(user).order_by("name")


def get_profile_for_user(user: Viewer, organisation_id: int) -> ShowcaseProfile:
    """The showcase profile of an organisation, if `user` may see it (else Http404).

    Published profiles are public; an unpublished one is visible to those who edit it and to
    validators. A firm with no profile yet gets an unsaved empty one for its editors.
    """
    if parse_int(organisation_id) is None:  # past the database's integers: names nothing
        raise Http404
    profile = ShowcaseProfile.objects.select_related("organisation").filter(pk=organisation_id).first()
    if profile is not None and profile.is_published:
        return profile
    if can_edit_showcase(user, organisation_id) or (
        profile is not None and organisation_permissions.may_validate_organisation(user, organisation_id)
    ):
        if profile is None:
            organisation = Organisation.objects.filter(pk=organisation_id).first()
            if organisation is None:
                raise Http404
            profile = ShowcaseProfile(organisation=organisation)
        return profile
    raise Http404


def get_declaration_for_user(
    user: Viewer, declaration_id: int, *, for_validation: bool = False
) -> CompetenceDeclaration:
    """A competence declaration that `user` edits (or validates, with `for_validation`)."""
    declaration = (
        CompetenceDeclaration.objects.select_related("organisation", "skill")
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None:
        raise Http404
    allowed = (
        organisation_permissions.may_validate_organisation(user, declaration.organisation_id)
        if for_validation
        else can_edit_showcase(user, declaration.organisation_id)
    )
    if not allowed:
        raise Http404
    return declaration


def contact_requests_for_user(user: Viewer) -> QuerySet[ContactRequest]:
    """Contact requests `user` may see: sent by them, or received by a firm they edit."""
    if not permissions.is_signed_in(user):
        return ContactRequest.objects.none()
    qs = ContactRequest.objects.select_related("organisation", "buyer", "buyer_organisation")
    if permissions.is_platform_staff(user):
        return qs
    editable = organisation_permissions.organisations_with_role(user).values("pk")
    return qs.filter(Q(buyer=user) | Q(organisation_id__in=editable))


def get_contact_request_for_user(user: Viewer, contact_id: int) -> ContactRequest:
    """One contact request the user is a party to (buyer, or editor of the target firm)."""
    contact = contact_requests_for_user(user).filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    return contact


def is_target_side(user: Viewer, contact: ContactRequest) -> bool:
    """Whether `user` answers for the firm a contact request was sent to."""
    return permissions.is_platform_staff(user) or permissions.has_role(user, contact.organisation_id)


def get_saved_search_for_user(user: Viewer, saved_id: int) -> SavedSearch:
    """A saved search of `user` (Http404 for anyone else's)."""
    if not permissions.is_signed_in(user):
        raise Http404
    saved = SavedSearch.objects.filter(pk=saved_id, user=user).first()
    if saved is None:
        raise Http404
    return saved


def pending_declarations(user: Viewer) -> QuerySet[CompetenceDeclaration]:
    """Declarations waiting for validation by `user`: those of the members of the clusters they
    validate for (all for platform staff), oldest first."""
    return (
        CompetenceDeclaration.objects.filter(
            status=DeclarationStatus.DRAFT,
            organisation__in=organisation_permissions.organisations_validated_by(user),
        )
        .select_related("organisation", "skill")
        .order_by("created_at", "pk")
    )


def contacts_by_id(ids: list[int]) -> dict[int, ContactRequest]:
    """Contact requests by id, for an app that keeps their ids (promotion's leads)."""
    return {c.pk: c for c in ContactRequest.objects.filter(pk__in=ids)}
