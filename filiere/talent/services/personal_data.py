"""Personal data under the GDPR: erasure of a job seeker (identity removed, figures kept) and
anonymisation after the retention period."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.matching import services as engine

from .. import indexing
from .. import permissions as talent_permissions
from ..models import (
    Application,
    ApplicationTransition,
    Consent,
    FileTransition,
    Gender,
    JobSeeker,
    SeekerDepartment,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User


DEFAULT_RETENTION_DAYS = 730


def retention_days() -> int:
    """Days without activity after which a person's profile is anonymised (TALENT_RETENTION_DAYS)."""
    return int(getattr(settings, "TALENT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def erase_seeker(*, seeker: JobSeeker, by: User | None = None) -> JobSeeker:
    """Erase a person's identity (right to erasure, or retention): blank every identifying field,
    drop their skills, wishes, consents, applications' messages and index document, and anonymise
    and deactivate their user account if they have one. Their programme files keep gender, age
    band, department, states and outcomes, so the dashboard's figures do not change.

    `by` is the person themselves or an adviser of the structure that follows them
    (`permissions.may_erase_person`); `by=None` is the retention job."""
    if by is not None and not (
        (seeker.user_id is not None and seeker.user_id == getattr(by, "pk", None))
        or talent_permissions.may_erase_person(by, seeker)
    ):
        raise PermissionDenied(_("Seule la structure qui suit cette personne peut effacer ses données."))
    with transaction.atomic():
        seeker = JobSeeker.objects.select_for_update().get(pk=seeker.pk)
        if seeker.user_id is not None:
            _anonymise_account(seeker.user)
        for name in ("first_name", "last_name", "email", "phone", "summary", "previous_occupation"):
            setattr(seeker, name, "")
        seeker.birth_year = None
        seeker.commune = None
        seeker.department_code = seeker.region_code = ""
        seeker.mobility_radius_km = None
        seeker.mobility_departments, seeker.contract_wishes, seeker.extracted_skill_ids = [], [], []
        seeker.available_from = None
        seeker.user = None
        seeker.adviser = None
        seeker.gender = Gender.OTHER
        seeker.anonymised_at = timezone.now()
        seeker.save()
        seeker.skills.clear()
        seeker.wished_appellations.clear()
        seeker.wished_metiers.clear()
        seeker.wished_occupations.clear()
        SeekerDepartment.objects.filter(seeker=seeker).delete()
        Consent.objects.filter(seeker=seeker).delete()
        Application.objects.filter(seeker=seeker).update(message="")
        FileTransition.objects.filter(file__seeker=seeker).update(reason="")
        ApplicationTransition.objects.filter(application__seeker=seeker).update(reason="")
        engine.remove_documents(indexing.SEEKER_DOC, [seeker.pk])
    return seeker


def _anonymise_account(user: User) -> None:
    """Blank a person's account and close it: no name, no email, no password, no memberships.
    The row stays (other records point to it) but names nobody."""
    user.username = f"efface-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.memberships.all().delete()
    user.regional_roles.all().delete()


def anonymise_inactive(*, now: dt.datetime | None = None) -> int:
    """Anonymise every profile without activity for `TALENT_RETENTION_DAYS`; returns how many."""
    limit = (now or timezone.now()) - dt.timedelta(days=retention_days())
    done = 0
    for seeker in JobSeeker.objects.filter(anonymised_at__isnull=True, last_activity_at__lt=limit).iterator():
        erase_seeker(seeker=seeker)
        done += 1
    return done
