"""Writes that set a cluster up from its pages: its colleges (name, statutes, admission rules,
fee grid, officers) and its mergers (the former associations, the date, the college each one's
members join). The daily work (applications, fees, votes) is in `services.py`, the merger's
files and matching in `merger.py`.

Who may do what (docs/governance.md): the cluster's **board** creates colleges, sets their board
seats and vote weights (the statutes), appoints their officers and prepares mergers; a college's
**officers** set their own college's admission rules and fee grid. Every refusal names the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from filiere.accounts.models import User
from filiere.organisations.models import College, HeadcountBand, Kind, Organisation

from .. import selectors
from ..models import CollegeRules, FeeBand, Merger, MergerRecord, MergerStatus
from ..naf import normalise_naf
from .fees import grid_for_year, pro_rata

#: The kinds of organisation a merger may take in: associations are clusters or communities.
ASSOCIATION_KINDS = (Kind.CLUSTER, Kind.COMMUNITY)


def _check_board(by: User, cluster_id: int) -> None:
    if not selectors.is_board(by, cluster_id):
        raise PermissionDenied


def _check_manager(by: User, college: College) -> None:
    if not selectors.may_manage_college(by, college):
        raise PermissionDenied


# --- Colleges --------------------------------------------------------------------------------


def _check_name(cluster_id: int, name: str, college_pk: int | None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Donnez un nom au collège.")]})
    taken = College.objects.filter(cluster_id=cluster_id, name__iexact=name)
    if college_pk is not None:
        taken = taken.exclude(pk=college_pk)
    if taken.exists():
        raise ValidationError({"name": [_("Ce cluster a déjà un collège de ce nom.")]})
    return name


@transaction.atomic
def create_college(
    *,
    cluster: Organisation,
    by: User,
    name: str,
    description: str = "",
    board_seats: int = 0,
    vote_weight: Decimal = Decimal("1"),
) -> College:
    """The board adds a college to its cluster; its rules start open to every organisation,
    with approval by its officers."""
    _check_board(by, cluster.pk)
    college = College.objects.create(
        cluster=cluster, name=_check_name(cluster.pk, name, None), description=description
    )
    CollegeRules.objects.create(college=college, board_seats=board_seats, vote_weight=vote_weight)
    return college


@transaction.atomic
def update_college(
    *, college: College, by: User, name: str, description: str, board_seats: int, vote_weight: Decimal
) -> College:
    """The board renames a college and sets what the statutes give it: board seats, vote weight."""
    _check_board(by, college.cluster_id)
    college.name = _check_name(college.cluster_id, name, college.pk)
    college.description = description
    college.save(update_fields=["name", "description"])
    rules, _created = CollegeRules.objects.get_or_create(college=college)
    rules.board_seats = board_seats
    rules.vote_weight = vote_weight
    rules.save(update_fields=["board_seats", "vote_weight"])
    return college


@transaction.atomic
def save_rules(
    *,
    college: College,
    by: User,
    naf_prefixes: Iterable[str],
    headcount_bands: Iterable[str],
    kinds: Iterable[str],
    accepts_people: bool,
    approval_required: bool,
    grace_days: int,
) -> CollegeRules:
    """A college's officers (or the board) set who may join it. Applications already made keep
    their status; the rules apply to the next ones."""
    _check_manager(by, college)
    prefixes: list[str] = []
    wrong: list[str] = []
    for entry in naf_prefixes:
        if entry.strip():
            code = normalise_naf(entry)
            (prefixes if code else wrong).append(code or entry.strip())
    if wrong:
        raise ValidationError(
            {
                "naf_prefixes": [
                    _("Ni une section (A à U) ni un code NAF (62, 62.01, 62.01Z) : %(entries)s")
                    % {"entries": ", ".join(wrong)}
                ]
            }
        )
    bands = sorted(set(headcount_bands))
    if unknown := [b for b in bands if b not in HeadcountBand.values]:
        raise ValidationError(
            {"headcount_bands": [_("Tranche inconnue : %(b)s") % {"b": ", ".join(unknown)}]}
        )
    kinds = sorted(set(kinds))
    if unknown := [k for k in kinds if k not in Kind.values]:
        raise ValidationError({"kinds": [_("Type d'acteur inconnu : %(k)s") % {"k": ", ".join(unknown)}]})
    rules, _created = CollegeRules.objects.get_or_create(college=college)
    rules.naf_prefixes = list(dict.fromkeys(prefixes))
    rules.headcount_bands = bands
    rules.kinds = kinds
    rules.accepts_people = accepts_people
    rules.approval_required = approval_required
    rules.grace_days = grace_days
    rules.save()
    return rules


def _overlap(low: Decimal, high: Decimal | None, other_low: Decimal, other_high: Decimal | None) -> bool:
    """Whether [low, high] and [other_low, other_high] share a value (None: no upper bound)."""
    return (other_high is None or low <= other_high) and (high is None or other_low <= high)


@transaction.atomic
def add_fee_band(
    *,
    college: College,
    by: User,
    basis: str,
    minimum: Decimal,
    maximum: Decimal | None,
    amount: Decimal,
    year: int | None = None,
) -> FeeBand:
    """A line of the college's fee grid (of one year, or the standing grid when `year` is None): a
    yearly amount for members whose headcount (or turnover) lies in [minimum, maximum]. A grid has
    one basis, and its ranges do not overlap (a member would otherwise have two fees)."""
    _check_manager(by, college)
    if maximum is not None and maximum < minimum:
        raise ValidationError({"maximum": [_("La borne haute est plus petite que la borne basse.")]})
    # The bands of the same grid: that year's, or the standing grid's (no year).
    bands = list(FeeBand.objects.select_for_update().filter(college=college, year=year))
    other = next((b for b in bands if b.basis != basis), None)
    if other is not None:
        raise ValidationError(
            {
                "basis": [
                    _("La grille de ce collège est établie sur : %(basis)s.")
                    % {"basis": other.get_basis_display()}
                ]
            }
        )
    for band in bands:
        if _overlap(minimum, maximum, band.minimum, band.maximum):
            raise ValidationError(
                {
                    "minimum": [
                        _("Cette tranche chevauche la tranche %(low)s – %(high)s.")
                        % {"low": band.minimum, "high": band.maximum if band.maximum is not None else "∞"}
                    ]
                }
            )
    return FeeBand.objects.create(
        college=college, basis=basis, minimum=minimum, maximum=maximum, amount=amount, year=year
    )


def simulate_fee(bands: list[FeeBand], value: Decimal, joined_on: dt.date) -> dict[str, object]:
    """What a member whose headcount (or turnover, by the grid's basis) is `value` and who joins
    on `joined_on` pays: the band, the full year's amount and the first year's (pro rata, as the
    fee call computes it)."""
    band = next((b for b in grid_for_year(bands, joined_on.year) if b.covers(value)), None)
    yearly = band.amount if band is not None else Decimal("0")
    return {"band": band, "yearly": yearly, "first_year": pro_rata(yearly, joined_on, joined_on.year)}


def delete_fee_band(*, band: FeeBand, by: User) -> None:
    """Remove a line of the grid (fee calls already made keep their amount)."""
    _check_manager(by, band.college)
    band.delete()


@transaction.atomic
def add_officer(*, college: College, by: User, email: str) -> User:
    """The board names an officer of the college: a person with an account, by e-mail."""
    _check_board(by, college.cluster_id)
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError(
            {
                "email": [
                    _(
                        "Aucun compte actif n'a l'adresse %(email)s : la personne doit d'abord créer son compte."
                    )
                    % {"email": email}
                ]
            }
        )
    rules, _created = CollegeRules.objects.get_or_create(college=college)
    if rules.officers.filter(pk=user.pk).exists():
        raise ValidationError({"email": [_("Cette personne est déjà responsable du collège.")]})
    rules.officers.add(user)
    return user


def remove_officer(*, college: College, by: User, user_id: int) -> None:
    """The board takes an officer's role away (the person keeps their account)."""
    _check_board(by, college.cluster_id)
    rules = CollegeRules.objects.filter(college=college).first()
    if rules is not None:
        rules.officers.remove(user_id)


# --- Mergers ---------------------------------------------------------------------------------


def _check_predecessors(cluster: Organisation, predecessors: list[Organisation]) -> None:
    if not predecessors:
        raise ValidationError({"predecessors": [_("Choisissez au moins une association.")]})
    for association in predecessors:
        if association.pk == cluster.pk or association.kind not in ASSOCIATION_KINDS:
            raise ValidationError(
                {
                    "predecessors": [
                        _("%(name)s ne peut pas fusionner dans ce cluster.") % {"name": association.name}
                    ]
                }
            )
    merged = Organisation.objects.filter(
        pk__in=[a.pk for a in predecessors], merged_in__status=MergerStatus.DONE
    ).values_list("name", flat=True)
    if first := merged.first():
        raise ValidationError(
            {"predecessors": [_("%(name)s a déjà fusionné dans un cluster.") % {"name": first}]}
        )


def _college_map(cluster: Organisation, mapping: Mapping[int, College | None]) -> dict[str, int]:
    result = {}
    for association_id, college in mapping.items():
        if college is None:
            continue
        if college.cluster_id != cluster.pk:
            raise ValidationError(_("Ce collège n'est pas un collège du cluster."))
        result[str(association_id)] = college.pk
    return result


@transaction.atomic
def create_merger(
    *,
    cluster: Organisation,
    by: User,
    predecessors: list[Organisation],
    effective_on: dt.date,
    college_map: Mapping[int, College | None] | None = None,
) -> Merger:
    """The board prepares the merger of associations into its cluster (a draft: the files are
    uploaded and the pairs reviewed on the merger's page before it is applied)."""
    _check_board(by, cluster.pk)
    _check_predecessors(cluster, predecessors)
    merger = Merger.objects.create(
        cluster=cluster, effective_on=effective_on, college_map=_college_map(cluster, college_map or {})
    )
    merger.predecessors.set(predecessors)
    return merger


@transaction.atomic
def update_merger(
    *,
    merger: Merger,
    by: User,
    predecessors: list[Organisation],
    effective_on: dt.date,
    college_map: Mapping[int, College | None],
) -> Merger:
    """Change a draft merger: its date, its associations (one whose file was read stays) and the
    college each association's members join."""
    _check_board(by, merger.cluster_id)
    merger = Merger.objects.select_for_update().get(pk=merger.pk)
    if merger.status != MergerStatus.DRAFT:
        raise ValidationError(_("La fusion est déjà réalisée."))
    _check_predecessors(merger.cluster, predecessors)
    keep = {a.pk for a in predecessors}
    read = set(MergerRecord.objects.filter(merger=merger).values_list("association_id", flat=True))
    if dropped := read - keep:
        names = Organisation.objects.filter(pk__in=dropped).values_list("name", flat=True)
        raise ValidationError(
            {
                "predecessors": [
                    _("Le fichier de %(names)s a déjà été lu : gardez cette association.")
                    % {"names": ", ".join(names)}
                ]
            }
        )
    merger.effective_on = effective_on
    merger.college_map = _college_map(merger.cluster, {k: v for k, v in college_map.items() if k in keep})
    merger.save(update_fields=["effective_on", "college_map", "updated_at"])
    merger.predecessors.set(predecessors)
    return merger
