"""Who may do what: the one answer every app asks (docs/permissions.md is the table).

Roles, defined here once:

- **anonymous** and **signed-in** (`is_signed_in`: authenticated and active);
- **organisation member / editor / admin** (`accounts.Membership.role`);
- **platform staff** (`is_staff` or `is_superuser`; they also use the Django admin);
- **regional staff** of a region (`accounts.RegionalRole`): they edit and administer every
  organisation with an establishment in their region, and manage the region's plans and campaigns;
- **cluster staff** of a cluster: editor/admin of an organisation of kind cluster. They validate
  the competence declarations of that cluster's members only (organisations with a "member of"
  relation to it);
- **adviser** of a structure (talent): any member of an organisation that follows people or runs
  or partners a programme. They see the people their structure follows and the people with a file
  in a programme their structure runs; a partner structure sees only the people it follows.
  Erasing a person is for the advisers of the structure that follows them, only.

Functions take the user first and return a bool (`may_*`, `is_*`) or a QuerySet / set of what the
user may act on. Apps resolve objects in their own `get_<thing>_for_user` selectors, which call
these; nothing else decides a right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard

from django.db.models import Q, QuerySet

from .models import Membership, RegionalRole, Role, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from filiere.organisations.models import Organisation
    from filiere.talent.models import Application as JobApplication
    from filiere.talent.models import JobSeeker

# Whoever asks: `request.user`, signed in or not, or None where there is no request (a template
# rendered without one, a task). Functions that act for an account take `User`.
Viewer: TypeAlias = "User | AnonymousUser | None"

EDITING_ROLES = (Role.EDITOR, Role.ADMIN)
ADMIN_ROLES = (Role.ADMIN,)
# An adviser is any member of a structure: talent has no finer role (an agency's counsellors are
# plain members of it).
ADVISER_ROLES = (Role.MEMBER, Role.EDITOR, Role.ADMIN)


def _org_id(organisation: Any) -> int | None:
    return organisation if isinstance(organisation, int) or organisation is None else organisation.pk


# --- Signed-in, platform and regional staff ------------------------------------------------


def is_signed_in(user: Viewer) -> TypeGuard[User]:
    """Whether `user` is a signed-in, active account (the only signed-in check of the project)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_platform_staff(user: Viewer) -> bool:
    """Platform staff: `is_staff` or `is_superuser`, signed in."""
    return is_signed_in(user) and bool(user.is_staff or user.is_superuser)


def administered_region_codes(user: Viewer) -> set[str]:
    """The codes of the regions `user` administers (regional staff)."""
    if not is_signed_in(user):
        return set()
    return set(RegionalRole.objects.filter(user=user).values_list("region_id", flat=True))


def is_regional_admin(user: Viewer, region_code: str | None = None) -> bool:
    """Whether `user` is regional staff of `region_code` (of any region when not given)."""
    if not is_signed_in(user):
        return False
    roles = RegionalRole.objects.filter(user=user)
    if region_code is not None:
        if not region_code:
            return False
        roles = roles.filter(region_id=region_code)
    return roles.exists()


# --- Organisations -------------------------------------------------------------------------


def memberships_of(user: Viewer) -> QuerySet[Membership]:
    """The user's memberships with their organisations, by organisation name."""
    if not is_signed_in(user):
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def organisation_ids_of(user: Viewer, roles: tuple[str, ...] | None = None) -> set[int]:
    """Ids of the organisations `user` belongs to (with one of `roles` when given)."""
    if not is_signed_in(user):
        return set()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("organisation_id", flat=True))


def has_role(user: Viewer, organisation: Any, roles: tuple[str, ...] = EDITING_ROLES) -> bool:
    """Whether `user` has one of `roles` in `organisation` (an instance or an id)."""
    if not is_signed_in(user) or organisation is None:
        return False
    return Membership.objects.filter(
        user=user, organisation_id=_org_id(organisation), role__in=roles
    ).exists()


def organisation_region_codes(organisation: Any) -> set[str]:
    """The regions where the organisation has establishments."""
    from filiere.organisations.models import Establishment

    return set(
        Establishment.objects.filter(organisation_id=_org_id(organisation))
        .exclude(region_code="")
        .values_list("region_code", flat=True)
        .distinct()
    )


def _is_regional_staff_of(user: Viewer, organisation: Any) -> bool:
    regions = administered_region_codes(user)
    return bool(regions) and bool(regions & organisation_region_codes(organisation))


def may_edit_organisation(user: Viewer, organisation: Any) -> bool:
    """Edit an organisation (its record, showcase, offers…): its editors/admins, platform staff,
    and regional staff of a region where it has an establishment."""
    if not is_signed_in(user) or organisation is None:
        return False
    if is_platform_staff(user) or has_role(user, organisation, EDITING_ROLES):
        return True
    return _is_regional_staff_of(user, organisation)


def may_administer_organisation(user: Viewer, organisation: Any) -> bool:
    """Invite people and change their roles: the organisation's admins, platform staff, and
    regional staff of a region where it has an establishment."""
    if not is_signed_in(user) or organisation is None:
        return False
    if is_platform_staff(user) or has_role(user, organisation, ADMIN_ROLES):
        return True
    return _is_regional_staff_of(user, organisation)


def organisations_editable_by(user: Viewer) -> QuerySet[Organisation]:
    """Organisations `user` may edit (see `may_edit_organisation`)."""
    from filiere.organisations.models import Organisation

    if not is_signed_in(user):
        return Organisation.objects.none()
    if is_platform_staff(user):
        return Organisation.objects.all()
    condition = Q(
        pk__in=Membership.objects.filter(user=user, role__in=EDITING_ROLES).values("organisation_id")
    )
    regions = administered_region_codes(user)
    if regions:
        condition |= Q(establishments__region_code__in=regions)
    return Organisation.objects.filter(condition).distinct()


def organisations_with_role(user: Viewer, roles: tuple[str, ...] = EDITING_ROLES) -> QuerySet[Organisation]:
    """Organisations where `user` holds one of `roles` themselves (no staff or regional
    extension): the companies a person may publish an offer for, their own showcases…"""
    from filiere.organisations.models import Organisation

    if not is_signed_in(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=Membership.objects.filter(user=user, role__in=roles).values("organisation_id")
    )


# --- Clusters ------------------------------------------------------------------------------


def is_cluster_staff(user: Viewer, cluster: Any | None = None) -> bool:
    """Editor/admin of an organisation of kind cluster (of `cluster` when given)."""
    from filiere.organisations.models import Kind

    if not is_signed_in(user):
        return False
    memberships = Membership.objects.filter(
        user=user, role__in=EDITING_ROLES, organisation__kind=Kind.CLUSTER
    )
    if cluster is not None:
        memberships = memberships.filter(organisation_id=_org_id(cluster))
    return memberships.exists()


def clusters_validated_by(user: Viewer) -> QuerySet[Organisation]:
    """Clusters in whose name `user` validates declarations: the clusters they are staff of
    (every cluster for platform staff)."""
    from filiere.organisations.models import Kind, Organisation

    clusters = Organisation.objects.filter(kind=Kind.CLUSTER)
    if not is_signed_in(user):
        return clusters.none()
    if is_platform_staff(user):
        return clusters
    return clusters.filter(
        pk__in=Membership.objects.filter(user=user, role__in=EDITING_ROLES).values("organisation_id")
    )


def may_validate_for_cluster(user: Viewer, cluster: Any) -> bool:
    """Validate declarations in the name of `cluster`: its staff, and platform staff."""
    if cluster is None:
        return False
    return clusters_validated_by(user).filter(pk=_org_id(cluster)).exists()


def cluster_members(cluster: Any) -> QuerySet[Organisation]:
    """Organisations related to `cluster` by a "member of" relation."""
    from filiere.organisations.models import Organisation, RelationKind

    return Organisation.objects.filter(
        relations_out__kind=RelationKind.MEMBER_OF, relations_out__target_id=_org_id(cluster)
    ).distinct()


def validating_clusters(user: Viewer, organisation: Any) -> QuerySet[Organisation]:
    """The clusters `organisation` is a member of in whose name `user` may validate."""
    from filiere.organisations.models import RelationKind

    return (
        clusters_validated_by(user)
        .filter(relations_in__kind=RelationKind.MEMBER_OF, relations_in__source_id=_org_id(organisation))
        .distinct()
    )


def may_validate_organisation(user: Viewer, organisation: Any) -> bool:
    """Validate (and read for validation) the declarations of `organisation`: staff of a cluster
    it is a member of, and platform staff."""
    if not is_signed_in(user) or organisation is None:
        return False
    return is_platform_staff(user) or validating_clusters(user, organisation).exists()


def organisations_validated_by(user: Viewer) -> QuerySet[Organisation]:
    """Organisations whose declarations `user` validates (see `may_validate_organisation`)."""
    from filiere.organisations.models import Organisation, RelationKind

    if not is_signed_in(user):
        return Organisation.objects.none()
    if is_platform_staff(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        relations_out__kind=RelationKind.MEMBER_OF,
        relations_out__target__in=clusters_validated_by(user),
    ).distinct()


# --- Advisers and the people they follow (talent) -------------------------------------------


def structure_ids(user: Viewer) -> set[int]:
    """Organisations the user belongs to (any role): the structures they advise for."""
    return organisation_ids_of(user)


def is_adviser(user: Viewer) -> bool:
    """Whether `user` may use the advisers' pages: platform staff, or a member of a structure that
    follows people or runs or partners a programme."""
    from filiere.talent.models import JobSeeker, Programme

    if not is_signed_in(user):
        return False
    if is_platform_staff(user):
        return True
    ids = structure_ids(user)
    return bool(ids) and (
        JobSeeker.objects.filter(structure_id__in=ids).exists()
        or Programme.objects.filter(Q(structure_id__in=ids) | Q(partners__in=ids)).exists()
    )


def people_visible_to(user: Viewer) -> QuerySet[JobSeeker]:
    """People `user` may see as an adviser: followed by their structure, or with a file in a
    programme their structure runs (a partner only sees the people it follows); all for staff."""
    from filiere.talent.models import File, JobSeeker

    if not is_signed_in(user):
        return JobSeeker.objects.none()
    if is_platform_staff(user):
        return JobSeeker.objects.all()
    ids = structure_ids(user)
    if not ids:
        return JobSeeker.objects.none()
    in_programmes = File.objects.filter(cohort__programme__structure_id__in=ids).values("seeker_id")
    return JobSeeker.objects.filter(Q(structure_id__in=ids) | Q(pk__in=in_programmes))


def may_see_person(user: Viewer, person: JobSeeker) -> bool:
    """Read a person's profile: the person themselves, and `people_visible_to` advisers."""
    if not is_signed_in(user) or person is None:
        return False
    if person.user_id is not None and person.user_id == user.pk:
        return True
    return people_visible_to(user).filter(pk=person.pk).exists()


def is_following_adviser(user: Viewer, person: JobSeeker) -> bool:
    """Whether `user` advises for the structure that follows `person` (not the structure running
    a programme they are in, a partner, regional or platform staff)."""
    if not is_signed_in(user) or person is None:
        return False
    return has_role(user, person.structure_id, ADVISER_ROLES)


def may_erase_person(user: Viewer, person: JobSeeker) -> bool:
    """Erase a person (GDPR): the advisers of the structure that follows them, only. The
    person themselves may also erase their data (see `talent.services.erase_seeker`)."""
    return is_following_adviser(user, person)


def may_answer_application(user: Viewer, application: JobApplication) -> bool:
    """Examine, accept or refuse a job application: the editors/admins of the company named on
    the offer, only (as for publishing the offer; staff do not recruit in a company's name)."""
    return may_publish_offer_for(user, application.offer.organisation_id)


def may_withdraw_application(user: Viewer, application: JobApplication) -> bool:
    """Withdraw a job application: the candidate themselves, or an adviser of the structure that
    follows them."""
    if user is None or not is_signed_in(user):
        return False
    seeker = application.seeker
    return (seeker.user_id is not None and seeker.user_id == user.pk) or is_following_adviser(user, seeker)


def may_see_application(user: Viewer, application: JobApplication) -> bool:
    """Read a job application and its history: those who answer it, and those who may withdraw
    it (the candidate, their following adviser: read-only but for the withdrawal)."""
    return may_answer_application(user, application) or may_withdraw_application(user, application)


def may_publish_offer_for(user: Viewer, organisation: Any) -> bool:
    """Publish or edit a job offer in the name of `organisation`: its own editors/admins only
    (platform or regional staff do not recruit in a company's name)."""
    return has_role(user, organisation, EDITING_ROLES)
