"""Taking part in a process (pseudonym, consent, the firm claimed by SIREN, verified by
membership) and erasing one's identity while the texts stay."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.accounts.models import User
from filiere.organisations.models import Organisation
from filiere.territories.models import Department

from .. import selectors
from ..models import Participation, Process, Report, Visibility


def _check_firm(user: User, siren: str) -> tuple[Organisation | None, bool]:
    """The firm a participant claims, found in the directory by SIREN; verified when the person
    holds a membership in it."""
    siren = "".join(siren.split())
    if not siren:
        return None, False
    if not (siren.isdigit() and len(siren) == 9):
        raise ValidationError({"siren": _("Un SIREN compte 9 chiffres.")})
    organisation = Organisation.objects.filter(siren=siren).first()
    if organisation is None:
        raise ValidationError(
            {
                "siren": _("Le SIREN %(siren)s n'est pas dans l'annuaire : laissez vide ou corrigez-le.")
                % {"siren": siren}
            }
        )
    return organisation, organisation.pk in permissions.organisation_ids_of(user)


@transaction.atomic
def join(
    *,
    by: Any,
    process: Process,
    pseudonym: str,
    actor_kind: str,
    consent: bool,
    visibility: str = Visibility.PSEUDONYM,
    siren: str = "",
    department: Department | None = None,
) -> Participation:
    """Take part in `process` (once per person); consent to the publication of one's texts is
    required. Calling it again updates the person's choices."""
    if not permissions.is_signed_in(by):
        raise PermissionDenied
    if not selectors.can_see_process(by, process):
        raise PermissionDenied
    if not consent:
        raise ValidationError({"consent": _("Votre accord est nécessaire pour publier vos contributions.")})
    pseudonym = " ".join(pseudonym.split())[:60]
    if len(pseudonym) < 3:
        raise ValidationError({"pseudonym": _("Choisissez un pseudonyme d'au moins 3 caractères.")})
    organisation, verified = _check_firm(by, siren)
    taken = Participation.objects.filter(process=process, pseudonym__iexact=pseudonym).exclude(user=by)
    if taken.exists():
        raise ValidationError({"pseudonym": _("Ce pseudonyme est déjà pris dans cette consultation.")})
    participation, _created = Participation.objects.update_or_create(
        process=process,
        user=by,
        defaults={
            "pseudonym": pseudonym,
            "display_name": by.get_full_name() or by.username,
            "visibility": visibility,
            "actor_kind": actor_kind,
            "organisation": organisation,
            "organisation_verified": verified,
            "department": department,
            "consent_at": timezone.now(),
        },
    )
    return participation


@transaction.atomic
def erase_participation(*, by: Any, participation: Participation) -> Participation:
    """Erasure: the texts stay (the consultation's record), the identity goes for good."""
    if participation.user_id != getattr(by, "pk", None) and not selectors.is_team(by, participation.process):
        raise PermissionDenied
    person = participation.user
    participation.user = None
    participation.display_name = ""
    participation.pseudonym = f"effacé-{participation.pk}"
    participation.visibility = Visibility.PSEUDONYM
    participation.organisation = None
    participation.organisation_verified = False
    participation.department = None
    participation.erased_at = timezone.now()
    participation.save()
    # Their reports stay (moderation history) without saying who made them.
    if person is not None:
        Report.objects.filter(reporter=person, contribution__process=participation.process).update(
            reporter=None
        )
    return participation
