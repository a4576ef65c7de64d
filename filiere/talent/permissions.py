"""Who may see and act on people, their files and their job applications (talent;
docs/permissions.md is the table).

Built on the roles `accounts.permissions` defines. An **adviser** of a structure is any member of
an organisation that follows people or runs or partners a programme. Advisers see the people
their structure follows and the people with a file in a programme their structure runs; a partner
structure sees only the people it follows. Erasing a person is for the advisers of the structure
that follows them, only. Job offers are published and applications answered by the editors and
admins of the company named on the offer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from filiere.accounts.permissions import (
    ADVISER_ROLES,
    EDITING_ROLES,
    has_role,
    is_platform_staff,
    is_signed_in,
    organisation_ids_of,
)

from .models import File, JobSeeker, Programme

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer

    from .models import Application as JobApplication


def structure_ids(user: Viewer) -> set[int]:
    """Organisations the user belongs to (any role): the structures they advise for."""
    return organisation_ids_of(user)


def is_adviser(user: Viewer) -> bool:
    """Whether `user` may use the advisers' pages: platform staff, or a member of a structure that
    follows people or runs or partners a programme."""
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
