"""The cells of a participants' file turned into the programme's values, or refused with the
column and the reason (`Refused`): accounts, organisations, slots, tables."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from filiere.accounts import selectors as accounts_selectors
from filiere.organisations.models import Establishment, Organisation


class Refused(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def get(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def slots(text: str, last: int) -> list[int]:
    """Slot numbers from 1 to `last` ("1, 4", "1;4" or "2-5"), as 0-based indexes."""
    out: set[int] = set()
    for part in re.split(r"[\s,;/]+", text.strip()):
        if not part:
            continue
        bounds = part.split("-", 1)
        if not all(b.isdigit() for b in bounds):
            raise Refused("unavailable", _("« %(value)s » n'est pas un numéro de créneau.") % {"value": part})
        low, high = int(bounds[0]), int(bounds[-1])
        for number in (low, high):
            if not 1 <= number <= last:
                raise Refused(
                    "unavailable",
                    _("Créneau %(number)d hors du programme (1 à %(last)d).")
                    % {"number": number, "last": last},
                )
        out.update(range(min(low, high) - 1, max(low, high)))
    return sorted(out)


def table(text: str, last: int) -> int:
    """A table number from 1 to `last`, as a 0-based index."""
    if not text.isdigit():
        raise Refused("fixed_table", _("« %(value)s » n'est pas un numéro de table.") % {"value": text})
    if not 1 <= int(text) <= last:
        raise Refused(
            "fixed_table",
            _("Table %(number)s hors du programme (1 à %(last)d).") % {"number": text, "last": last},
        )
    return int(text) - 1


def account(email: str, field: str) -> Any:
    if not email:
        raise Refused(field, _("Adresse e-mail manquante."))
    if "@" not in email:
        raise Refused(field, _("« %(email)s » n'est pas une adresse e-mail.") % {"email": email})
    user = accounts_selectors.find_user_by_email(email)
    if user is None:
        raise Refused(
            field,
            _(
                "Aucun compte Filière pour %(email)s : la personne crée son compte, puis relancez "
                "l'import (les lignes déjà importées ne changeront pas)."
            )
            % {"email": email},
        )
    if not user.is_active:
        raise Refused(field, _("Le compte de %(email)s n'est pas actif.") % {"email": email})
    return user


def organisation(text: str) -> Organisation:
    digits = re.sub(r"[\s.]", "", text)
    if digits.isdigit():
        if len(digits) == 14:
            establishment = Establishment.objects.select_related("organisation").filter(siret=digits).first()
            if establishment is None:
                raise Refused("organisation", _("SIRET %(siret)s inconnu de l'annuaire.") % {"siret": digits})
            return establishment.organisation
        if len(digits) == 9:
            found = Organisation.objects.filter(siren=digits).first()
            if found is None:
                raise Refused("organisation", _("SIREN %(siren)s inconnu de l'annuaire.") % {"siren": digits})
            return found
        raise Refused(
            "organisation", _("Un SIRET a 14 chiffres, un SIREN 9 : « %(value)s ».") % {"value": text}
        )
    matches = list(Organisation.objects.filter(name__iexact=text)[:2])
    if not matches:
        raise Refused(
            "organisation", _("Aucune organisation de l'annuaire ne s'appelle « %(name)s ».") % {"name": text}
        )
    if len(matches) > 1:
        raise Refused(
            "organisation",
            _("Plusieurs organisations s'appellent « %(name)s » : donnez son SIRET.") % {"name": text},
        )
    return matches[0]
