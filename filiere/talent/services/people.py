"""Job seekers: who can reach a profile and whether it is shared, saving a profile, consents, and
the access log of every read of a person by someone else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.matching import services as engine
from filiere.organisations.models import Organisation
from filiere.taxonomy.models import EscoOccupation, Skill
from filiere.territories import geo

from .. import indexing
from ..models import (
    AccessLog,
    Consent,
    ConsentPurpose,
    Gender,
    JobSeeker,
    SeekerDepartment,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User, Viewer

from .codes import (
    check_contracts,
    check_departments,
    resolve_appellations,
    resolve_commune,
    resolve_metiers,
)


def reach_of(seeker: JobSeeker) -> list[str]:
    """Departments a seeker accepts: their own, those within their radius, those they named."""
    found = set(seeker.mobility_departments)
    if seeker.department_code:
        found.add(seeker.department_code)
        if seeker.mobility_radius_km:
            found.update(geo.departments_within(seeker.department_code, seeker.mobility_radius_km))
    return sorted(found)


def is_shareable(seeker: JobSeeker) -> bool:
    """Whether companies may see the person: not anonymised, consent to be shown to them."""
    return (
        seeker.anonymised_at is None
        and Consent.objects.filter(
            seeker=seeker, purpose=ConsentPurpose.SHARE_WITH_COMPANIES, withdrawn_at__isnull=True
        ).exists()
    )


def _write_reach(seekers: list[JobSeeker]) -> None:
    SeekerDepartment.objects.filter(seeker__in=seekers).delete()
    SeekerDepartment.objects.bulk_create(
        [
            SeekerDepartment(seeker=s, department_code=code, shareable=is_shareable(s))
            for s in seekers
            for code in reach_of(s)
        ]
    )


SEEKER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "gender",
    "birth_year",
    "summary",
    "previous_occupation",
    "mobility_radius_km",
    "available_from",
)


def save_seeker(
    *,
    structure: Organisation,
    by: User | None,
    seeker: JobSeeker | None = None,
    commune_code: str = "",
    skills: Iterable[Skill] = (),
    wished_appellation_codes: Iterable[str] = (),
    wished_metier_codes: Iterable[str] = (),
    wished_occupations: Iterable[EscoOccupation] = (),
    mobility_departments: Iterable[str] = (),
    contract_wishes: Iterable[str] = (),
    adviser: Any | None = None,
    **fields: Any,
) -> JobSeeker:
    """Create or update a job seeker: resolve codes, extract skills from the CV, compute the
    mobility area, reindex. Raises ValidationError (field → French message), writes nothing then.
    """
    unknown = set(fields) - set(SEEKER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    commune = resolve_commune(commune_code)
    appellations = resolve_appellations(wished_appellation_codes)
    metiers = resolve_metiers(wished_metier_codes)
    departments = check_departments(mobility_departments)
    contracts = check_contracts(contract_wishes)
    birth_year = fields.get("birth_year")
    this_year = timezone.localdate().year
    if birth_year is not None and not (this_year - 90 <= int(birth_year) <= this_year - 14):
        raise ValidationError(
            {"birth_year": _("Année de naissance invraisemblable : %(year)s.") % {"year": birth_year}}
        )
    if fields.get("gender") and fields["gender"] not in Gender.values:
        raise ValidationError({"gender": _("Genre inconnu.")})
    radius = fields.get("mobility_radius_km")
    if radius is not None and not (0 <= int(radius) <= 1000):
        raise ValidationError(
            {"mobility_radius_km": _("Le rayon de mobilité doit être compris entre 0 et 1 000 km.")}
        )
    with transaction.atomic():
        if seeker is None:
            seeker = JobSeeker(structure=structure, last_activity_at=timezone.now())
        for name, value in fields.items():
            setattr(seeker, name, value)
        seeker.structure = structure
        if adviser is not None:
            seeker.adviser = adviser
        seeker.commune = commune
        seeker.department_code = commune.department_id if commune else ""
        seeker.region_code = commune.region_id if commune else ""
        seeker.mobility_departments = departments
        seeker.contract_wishes = contracts
        seeker.extracted_skill_ids = (
            engine.extract_skill_ids(seeker.summary) if seeker.summary.strip() else []
        )
        seeker.last_activity_at = timezone.now()
        seeker.full_clean(exclude=["structure", "commune", "adviser", "user", "last_activity_at"])
        seeker.save()
        seeker.skills.set(list(skills))
        seeker.wished_appellations.set(appellations)
        seeker.wished_metiers.set(metiers)
        seeker.wished_occupations.set(list(wished_occupations))
        _write_reach([seeker])
        indexing.reindex_seekers([seeker.pk])
    return seeker


def touch(seeker: JobSeeker) -> None:
    """Record activity of the person (or their adviser for them): postpones anonymisation."""
    JobSeeker.objects.filter(pk=seeker.pk).update(last_activity_at=timezone.now())


def set_consent(*, seeker: JobSeeker, purpose: str, given: bool, by: User | None) -> Consent | None:
    """Give or withdraw consent for one purpose (dated); reindexes the person accordingly."""
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Finalité inconnue.")})
    now = timezone.now()
    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(seeker=seeker, purpose=purpose).first()
        if given:
            if consent is None:
                consent = Consent.objects.create(seeker=seeker, purpose=purpose, given_at=now, recorded_by=by)
            elif consent.withdrawn_at is not None:
                consent.given_at, consent.withdrawn_at, consent.recorded_by = now, None, by
                consent.save()
        elif consent is not None and consent.withdrawn_at is None:
            consent.withdrawn_at = now
            consent.save(update_fields=["withdrawn_at"])
        SeekerDepartment.objects.filter(seeker=seeker).update(shareable=is_shareable(seeker))
        indexing.reindex_seekers([seeker.pk])
    touch(seeker)
    return consent


def log_access(*, seeker: JobSeeker, user: Viewer, what: str) -> None:
    """Log that `user` opened `what` about `seeker` (profile, export, matches…)."""
    log_accesses(seekers=[seeker], user=user, what=what)


def log_accesses(*, seekers: Iterable[JobSeeker], user: Viewer, what: str) -> None:
    """Log that `user` read `what` about each of `seekers` (a cohort list, a name search…), in one
    query. A person reading their own profile is not logged."""
    who = user if permissions.is_signed_in(user) else None
    AccessLog.objects.bulk_create(
        AccessLog(seeker=seeker, user=who, what=what[:100])
        for seeker in seekers
        if who is None or seeker.user_id != who.pk
    )
