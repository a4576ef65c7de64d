"""The programme pipeline: cohorts, files opened for job seekers, logged moves between states, and
outcomes at 3, 6 and 12 months."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Cohort,
    File,
    FileState,
    FileTransition,
    JobSeeker,
    Outcome,
    OutcomeDelay,
    OutcomeStatus,
    Programme,
    age_band,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User

from .people import touch


def create_cohort(
    *, programme: Programme, name: str, year: int, start_date: dt.date, end_date: dt.date, places: int
) -> Cohort:
    """A new intake of a programme; dates and places are checked."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Le nom est obligatoire.")
    if places is None or int(places) < 1:
        errors["places"] = _("Le nombre de places doit être un entier positif.")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("La fin de la formation ne peut pas précéder son début.")
    if year is None or not (2000 <= int(year) <= 2100):
        errors["year"] = _("Année invraisemblable.")
    if not errors and Cohort.objects.filter(programme=programme, name=name).exists():
        errors["name"] = _("Une promotion porte déjà ce nom dans ce programme.")
    if errors:
        raise ValidationError(errors)
    return Cohort.objects.create(
        programme=programme, name=name, year=year, start_date=start_date, end_date=end_date, places=places
    )


def open_file(
    *, cohort: Cohort, seeker: JobSeeker, by: User | None, applied_on: dt.date | None = None
) -> File:
    """Open a person's file in a cohort (state "applied"), copying the dashboard's facts."""
    if seeker.anonymised_at:
        raise ValidationError(_("Ce profil a été anonymisé."))
    if File.objects.filter(cohort=cohort, seeker=seeker).exists():
        raise ValidationError(_("Cette personne a déjà un dossier dans cette promotion."))
    applied_on = applied_on or timezone.localdate()
    with transaction.atomic():
        file = File.objects.create(
            cohort=cohort,
            seeker=seeker,
            applied_on=applied_on,
            gender=seeker.gender,
            age_band=age_band(seeker.birth_year, on=applied_on),
            department_code=seeker.department_code,
        )
        FileTransition.objects.create(
            file=file, from_state="", to_state=FileState.APPLIED, at=timezone.now(), by=by, reason=""
        )
    touch(seeker)
    return file


def move_file(
    *, file: File, to_state: str, by: User | None, reason: str = "", on: dt.date | None = None
) -> FileTransition:
    """Move a file along the pipeline; an illegal move is refused with the allowed ones named.

    `on` is the date the move happened (today by default); a placement records it as `placed_on`.
    Withdrawals and refusals need a reason.
    """
    with transaction.atomic():
        current = File.objects.select_for_update().get(pk=file.pk)
        if to_state not in FileState.values:
            raise ValidationError({"to_state": _("État inconnu.")})
        allowed = current.next_states
        if to_state not in allowed:
            labels = ", ".join(str(FileState(s).label) for s in allowed) or _("aucun (état final)")
            raise ValidationError(
                {
                    "to_state": _("Passage impossible de « %(from)s » à « %(to)s ». Possibles : %(allowed)s.")
                    % {
                        "from": FileState(current.state).label,
                        "to": FileState(to_state).label,
                        "allowed": labels,
                    }
                }
            )
        if to_state in (FileState.WITHDRAWN, FileState.NOT_RETAINED) and not reason.strip():
            raise ValidationError({"reason": _("Indiquez le motif de l'abandon ou du refus.")})
        on = on or timezone.localdate()
        if on < current.applied_on:
            raise ValidationError({"on": _("La date ne peut pas précéder la candidature.")})
        transition = FileTransition.objects.create(
            file=current,
            from_state=current.state,
            to_state=to_state,
            at=timezone.now(),
            by=by,
            reason=reason.strip(),
        )
        current.state = to_state
        if to_state == FileState.IN_TRAINING:
            current.entered_training = True
        if to_state == FileState.PLACED:
            current.placed_on = on
        current.save(update_fields=["state", "entered_training", "placed_on", "updated_at"])
    file.state, file.entered_training, file.placed_on = (
        current.state,
        current.entered_training,
        current.placed_on,
    )
    if current.seeker_id:
        JobSeeker.objects.filter(pk=current.seeker_id).update(last_activity_at=timezone.now())
    return transition


def record_outcome(*, file: File, months: int, status: str, observed_on: dt.date, by: User | None) -> Outcome:
    """Record (or correct) where a trainee is 3, 6 or 12 months after training."""
    errors: dict[str, str] = {}
    if months not in OutcomeDelay.values:
        errors["months"] = _("Échéance inconnue (3, 6 ou 12 mois).")
    if status not in OutcomeStatus.values:
        errors["status"] = _("Situation inconnue.")
    if not file.entered_training or file.state not in (
        FileState.TRAINED,
        FileState.PLACED,
        FileState.WITHDRAWN,
    ):
        errors["file"] = _("Une situation à l'issue se saisit pour une personne sortie de formation.")
    if observed_on is None:
        errors["observed_on"] = _("La date de constat est obligatoire.")
    elif file.placed_on and observed_on < file.placed_on:
        errors["observed_on"] = _(
            "La situation ne peut pas être constatée avant la mise en emploi (%(date)s)."
        ) % {"date": file.placed_on.strftime("%d/%m/%Y")}
    elif observed_on < file.cohort.start_date:
        errors["observed_on"] = _("La situation ne peut pas être constatée avant le début de la formation.")
    elif observed_on > timezone.localdate():
        errors["observed_on"] = _("La date de constat ne peut pas être dans le futur.")
    if errors:
        raise ValidationError(errors)
    outcome, _created = Outcome.objects.update_or_create(
        file=file, months=months, defaults={"status": status, "observed_on": observed_on, "recorded_by": by}
    )
    return outcome
