"""How many people a firm may declare: never more than its headcount.

A showcase says "25 personnes disponibles": that is only believable if the firm has 25 people.
The headcount is the INSEE band of the directory (salaried jobs); a firm without employees
(bands NN and 00) still has the person who runs it, so it may declare one. A firm whose band is
unknown is not limited (the directory does not know its size).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Upper bound of each INSEE headcount band (salaried jobs); no employee → the head of the firm.
HEADCOUNT_CEILING: dict[str, int] = {
    "NN": 1,
    "00": 1,
    "01": 2,
    "02": 5,
    "03": 9,
    "11": 19,
    "12": 49,
    "21": 99,
    "22": 199,
    "31": 249,
    "32": 499,
    "41": 999,
    "42": 1999,
    "51": 4999,
    "52": 9999,
}


def headcount_ceiling(band: str | None) -> int | None:
    """The most people a firm of this headcount band can declare; None when there is no limit
    (unknown band, or 10,000 employees and more)."""
    return HEADCOUNT_CEILING.get(band or "")


def check_declared_people(*, band: str | None, people_count: int, capacity_available_now: int) -> None:
    """Raise ValidationError (in French) when the numbers of a competence declaration are
    inconsistent: negative, more people available than people with the skill, or more people
    than the firm employs."""
    if people_count < 0 or capacity_available_now < 0:
        raise ValidationError(_("Les effectifs ne peuvent pas être négatifs."))
    if capacity_available_now > people_count:
        raise ValidationError(
            _(
                "Il ne peut pas y avoir plus de personnes disponibles que de personnes qui maîtrisent la compétence."
            )
        )
    ceiling = headcount_ceiling(band)
    if ceiling is not None and people_count > ceiling:
        if band in {"NN", "00"}:
            message = _(
                "L'entreprise n'a pas de salarié selon le répertoire SIRENE : elle ne peut déclarer "
                "qu'une personne (celle qui la dirige), pas %(count)s."
            )
        else:
            message = _(
                "L'effectif de l'entreprise selon le répertoire SIRENE est d'au plus %(ceiling)s "
                "salariés : elle ne peut pas déclarer %(count)s personnes."
            )
        raise ValidationError(message % {"ceiling": ceiling, "count": people_count})
