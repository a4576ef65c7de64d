"""Who sees what in talent: the access functions (`get_<thing>_for_user`, 404 when hidden, 403 when
seen but not editable) and the advisers' lists of the people they follow. Rules:
`filiere.talent.permissions` (built on the roles of `filiere.accounts.permissions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.accounts.models import Membership
from filiere.organisations.models import Organisation

from .. import permissions as talent_permissions
from ..dashboard import Dashboard, Figures, Follow, programme_dashboard  # noqa: F401 (the selector)
from ..models import (
    Cohort,
    Consent,
    File,
    JobOffer,
    JobSeeker,
    OfferStatus,
    Programme,
)
from ..permissions import people_visible_to

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer


def get_seeker_for_user(user: Viewer, pk: int, *, what: str = "profil") -> JobSeeker:
    """A person the user may see (adviser of their structure or programme, or the person
    themselves); 404 otherwise. An adviser's access is logged with `what`."""
    from ..services import log_access

    if permissions.is_signed_in(user):
        own = JobSeeker.objects.filter(pk=pk, user=user).first()
        if own is not None:
            return own
    seeker = people_visible_to(user).filter(pk=pk).select_related("structure", "adviser", "commune").first()
    if seeker is None:
        raise Http404(_("Personne introuvable."))
    log_access(seeker=seeker, user=user, what=what)
    return seeker


def own_seeker(user: Viewer) -> JobSeeker | None:
    """The job-seeker profile of the signed-in person, if any."""
    if not permissions.is_signed_in(user):
        return None
    return JobSeeker.objects.filter(user=user, anonymised_at__isnull=True).first()


def programmes_for_user(user: Viewer) -> QuerySet[Programme]:
    """Programmes the user may follow: run by or partnered with their structure, in a region they
    administer, or all for staff."""
    if not permissions.is_signed_in(user):
        return Programme.objects.none()
    if permissions.is_platform_staff(user):
        return Programme.objects.all()
    ids = talent_permissions.structure_ids(user)
    regions = permissions.administered_region_codes(user)
    return Programme.objects.filter(
        Q(structure_id__in=ids) | Q(partners__in=ids) | Q(region_id__in=regions)
    ).distinct()


def can_manage_programme(user: Viewer, programme: Programme) -> bool:
    """Whether the user may create cohorts and move files (member of the running structure)."""
    return permissions.is_platform_staff(user) or programme.structure_id in talent_permissions.structure_ids(
        user
    )


def get_programme_for_user(user: Viewer, pk: int) -> Programme:
    programme = programmes_for_user(user).filter(pk=pk).select_related("structure", "region").first()
    if programme is None:
        raise Http404(_("Programme introuvable."))
    return programme


def get_cohort_for_user(user: Viewer, pk: int) -> Cohort:
    cohort = (
        Cohort.objects.filter(pk=pk, programme__in=programmes_for_user(user))
        .select_related("programme")
        .first()
    )
    if cohort is None:
        raise Http404(_("Promotion introuvable."))
    return cohort


def get_file_for_user(user: Viewer, pk: int) -> File:
    """A programme file: for members of the running structure, and advisers of the person
    (a partner structure: only the people it follows). The read is logged."""
    from ..services import log_access

    file = (
        File.objects.filter(pk=pk)
        .filter(Q(cohort__programme__in=programmes_for_user(user)) | Q(seeker__in=people_visible_to(user)))
        .select_related("cohort__programme", "seeker")
        .first()
    )
    if file is None:
        raise Http404(_("Dossier introuvable."))
    if not can_manage_programme(user, file.cohort.programme) and not talent_permissions.may_see_person(
        user, file.seeker
    ):
        raise Http404(_("Dossier introuvable."))
    log_access(seeker=file.seeker, user=user, what=f"dossier {file.pk}")
    return file


def can_edit_offer(user: Viewer, offer: JobOffer) -> bool:
    """An offer is edited by the editors of the company named on it (`may_publish_offer_for`)."""
    return talent_permissions.may_publish_offer_for(user, offer.organisation_id)


def get_offer_for_user(user: Viewer, pk: int) -> JobOffer:
    """An offer: open offers are public; others only for the company's editors."""
    offer = JobOffer.objects.filter(pk=pk).select_related("organisation", "rome_metier", "commune").first()
    if offer is None or (offer.status != OfferStatus.OPEN and not can_edit_offer(user, offer)):
        raise Http404(_("Offre introuvable."))
    return offer


def open_offers() -> QuerySet[JobOffer]:
    return JobOffer.objects.filter(status=OfferStatus.OPEN).select_related("organisation", "commune")


def active_purposes(seeker: JobSeeker) -> set[str]:
    return set(
        Consent.objects.filter(seeker=seeker, withdrawn_at__isnull=True).values_list("purpose", flat=True)
    )


def _advisers_seekers(user: Viewer, q: str) -> QuerySet[JobSeeker]:
    qs = people_visible_to(user).filter(anonymised_at__isnull=True)
    if q:
        qs = qs.filter(Q(last_name__icontains=q) | Q(first_name__icontains=q))
    return qs.order_by("last_name", "first_name", "pk")


def advisers_seekers(user: Viewer, *, q: str = "", limit: int = 100, what: str = "") -> list[JobSeeker]:
    """The people the adviser follows (their structure), by name, optionally filtered. With
    `what`, each person returned is written to the access log (a page that shows their names)."""
    seekers = list(_advisers_seekers(user, q)[:limit])
    if what:
        from ..services import log_accesses

        log_accesses(seekers=seekers, user=user, what=what)
    return seekers


def seeker_structures_for(user: Viewer) -> list[Any]:
    """The structures `user` may create a person's profile for: an adviser's own structure (the
    first they belong to); for platform staff who belong to none, every structure that follows
    people or runs a programme (they pick one in the form); none for an anonymous visitor (the
    public `/talents/` page asks)."""
    if not permissions.is_signed_in(user):
        return []
    membership = Membership.objects.filter(user=user).select_related("organisation").order_by("pk").first()
    if membership is not None:
        return [membership.organisation]
    if not permissions.is_platform_staff(user):
        return []
    ids = set(JobSeeker.objects.values_list("structure_id", flat=True).distinct())
    ids |= set(Programme.objects.values_list("structure_id", flat=True))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


SEEKERS_PER_PAGE = 50


def advisers_seekers_page(
    user: Viewer, *, q: str = "", page: Any = 1, per_page: int = SEEKERS_PER_PAGE, what: str = ""
) -> Page:
    """One page of `advisers_seekers` (every person, page by page, with the total). With `what`,
    the people of that page only are written to the access log: those whose names are shown."""
    paginator = Paginator(_advisers_seekers(user, q).select_related("structure"), per_page)
    current = paginator.get_page(page)
    current.object_list = list(current.object_list)
    if what:
        from ..services import log_accesses

        log_accesses(seekers=current.object_list, user=user, what=what)
    return current
