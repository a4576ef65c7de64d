"""Reports per provider and per funder, per year or quarter, firms counted once by SIREN.

The ERDF/FEDER rule: a firm supported several times in a period (by several services, providers
or themes) counts once in the total. In a breakdown (size class, theme, department) a firm counts
once per row it falls in; a theme row may hold a firm that another theme row holds too, so the
theme rows may add up to more than the total (docs/support.md). The period just before (the
previous quarter, or the previous year) is counted the same way and shown beside it. Pages, exports, the API and the roadmap indicator read `support_report`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filiere.accounts import permissions
from filiere.core.exports import FORMATS, safe_cell
from filiere.organisations.models import Organisation
from filiere.territories.models import Department

from .models import Engagement, Service, SizeClass, Theme

PROVIDER, FUNDER = "provider", "funder"
ROLES = {PROVIDER: gettext_lazy("structure d'accompagnement"), FUNDER: gettext_lazy("financeur")}


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * (self.quarter - 1) + 1 if self.quarter else 1, 1)

    @property
    def end(self) -> dt.date:
        if not self.quarter or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    def previous(self) -> Period:
        if not self.quarter:
            return Period(self.year - 1)
        return Period(self.year - 1, 4) if self.quarter == 1 else Period(self.year, self.quarter - 1)

    def label(self) -> str:
        return f"T{self.quarter} {self.year}" if self.quarter else str(self.year)


@dataclass
class ReportRow:
    key: str
    label: str
    firms: int
    previous: int


@dataclass
class Report:
    organisation: Organisation
    role: str
    period: Period
    firms: int
    previous_firms: int
    engagements: int
    by_size: list[ReportRow] = field(default_factory=list)
    by_theme: list[ReportRow] = field(default_factory=list)
    by_department: list[ReportRow] = field(default_factory=list)

    @property
    def previous_period(self) -> Period:
        return self.period.previous()


def engagements_for(organisation: Any, role: str) -> QuerySet[Engagement]:
    """The engagements a provider gave (`provider`) or that services it funds gave (`funder`)."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    if role == FUNDER:
        # The funded services first (a few dozen ids), so the engagements are read through the
        # (service, date) index rather than joined row by row.
        return Engagement.objects.filter(
            service_id__in=list(Service.objects.filter(funders=org_id).values_list("pk", flat=True))
        )
    return Engagement.objects.filter(provider_id=org_id)


def firms_supported(engagements: QuerySet[Engagement], period: Period) -> int:
    """Distinct SIREN among `engagements` dated in the period."""
    return (
        engagements.filter(date__range=(period.start, period.end)).aggregate(n=Count("siren", distinct=True))[
            "n"
        ]
        or 0
    )


BREAKDOWNS = ("size_class", "theme", "department_code")


@dataclass
class _Counts:
    firms: int
    engagements: int
    groups: dict[str, dict[str, int]]


def _count(engagements: QuerySet[Engagement], period: Period) -> _Counts:
    """One pass over the period's engagements: distinct SIREN overall and per breakdown value.

    A single read of four columns, counted in Python, is several times faster on both engines than
    one COUNT(DISTINCT) statement per breakdown (docs/benchmarks.md, "support")."""
    firms: set[str] = set()
    groups: dict[str, dict[str, set[str]]] = {column: defaultdict(set) for column in BREAKDOWNS}
    size, theme, department = (groups[column] for column in BREAKDOWNS)
    # No ORDER BY (the model orders by date): sorting a year of rows would cost more than counting.
    rows = (
        engagements.filter(date__range=(period.start, period.end))
        .order_by()
        .values_list("siren", *BREAKDOWNS)
    )
    count = 0
    for siren, size_class, theme_code, department_code in rows.iterator(chunk_size=10_000):
        count += 1
        firms.add(siren)
        size[size_class].add(siren)
        theme[theme_code].add(siren)
        department[department_code or ""].add(siren)
    return _Counts(
        len(firms),
        count,
        {column: {k: len(v) for k, v in values.items()} for column, values in groups.items()},
    )


def _rows(
    current: dict[str, int], previous: dict[str, int], labels: Mapping[str, Any], *, keep_order: bool
) -> list[ReportRow]:
    keys = (
        [k for k in labels if k in current or k in previous]
        if keep_order
        else sorted(set(current) | set(previous))
    )
    rows = [ReportRow(k, str(labels.get(k, k or "—")), current.get(k, 0), previous.get(k, 0)) for k in keys]
    if not keep_order:
        rows.sort(key=lambda r: (-r.firms, r.label))
    return rows


def support_report(*, organisation: Organisation, role: str, period: Period) -> Report:
    """The report of `organisation` as provider or funder for `period` and the one before."""
    engagements = engagements_for(organisation, role)
    current, previous = _count(engagements, period), _count(engagements, period.previous())
    departments = {code: f"{name} ({code})" for code, name in Department.objects.values_list("code", "name")}
    report = Report(
        organisation=organisation,
        role=role,
        period=period,
        firms=current.firms,
        previous_firms=previous.firms,
        engagements=current.engagements,
    )
    for attribute, column, labels, keep_order in (
        ("by_size", "size_class", dict(SizeClass.choices), True),
        ("by_theme", "theme", dict(Theme.choices), True),
        ("by_department", "department_code", departments, False),
    ):
        setattr(
            report,
            attribute,
            _rows(current.groups[column], previous.groups[column], labels, keep_order=keep_order),
        )
    return report


def parse_period(year: int | None, quarter: int | None, *, today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    year = year if year and 2000 <= year <= today.year + 1 else today.year
    return Period(year, quarter if quarter in (1, 2, 3, 4) else None)


# --- Rights ------------------------------------------------------------------------------------


def roles_of(organisation: Organisation) -> list[str]:
    """The reports an organisation has: provider (it offers services or gave support), funder."""
    roles = []
    if (
        Service.objects.filter(provider=organisation).exists()
        or Engagement.objects.filter(provider=organisation).exists()
    ):
        roles.append(PROVIDER)
    if Service.objects.filter(funders=organisation).exists():
        roles.append(FUNDER)
    return roles


def may_read_report(user: Any, organisation: Organisation) -> bool:
    """A provider's or funder's report: its own people (any role), platform staff."""
    return permissions.is_platform_staff(user) or permissions.has_role(
        user, organisation, permissions.ADVISER_ROLES
    )


def get_report_organisation_for_user(user: Any, pk: Any, role: str) -> Organisation:
    """The organisation whose `role` report `user` asks for: 404 if unknown or it has no such
    report (organisations are public), 403 if they are not its staff."""
    try:
        organisation = Organisation.objects.get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Organisation inconnue") from None
    if role not in ROLES or role not in roles_of(organisation):
        raise Http404("Pas de rapport")
    if not may_read_report(user, organisation):
        raise PermissionDenied
    return organisation


def reports_of_user(user: Any) -> list[tuple[Organisation, str]]:
    """(organisation, role) of every report the user may read, for their personal space."""
    if not permissions.is_signed_in(user):
        return []
    ids = permissions.organisation_ids_of(user)
    result: list[tuple[Organisation, str]] = []
    for organisation in Organisation.objects.filter(pk__in=ids).order_by("name"):
        result.extend((organisation, role) for role in roles_of(organisation))
    return result


# --- Exports ----------------------------------------------------------------------------------


def report_table(report: Report) -> tuple[list[str], list[list[Any]]]:
    headers = [_("Rubrique"), _("Valeur"), report.period.label(), report.previous_period.label()]
    rows: list[list[Any]] = [
        [_("Total"), _("Entreprises accompagnées (une fois par SIREN)"), report.firms, report.previous_firms]
    ]
    for section, items in (
        (_("Taille"), report.by_size),
        (_("Thème"), report.by_theme),
        (_("Département"), report.by_department),
    ):
        rows.extend([str(section), safe_cell(row.label), row.firms, row.previous] for row in items)
    return headers, rows


def export_report(report: Report, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the report in csv, xlsx or ods."""
    content_type, extension = FORMATS[fmt]
    name = f"accompagnement-{report.role}-{report.organisation.pk}-{report.period.label().replace(' ', '-')}.{extension}"
    headers, rows = report_table(report)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type, name
    import tablib

    dataset = tablib.Dataset(headers=headers, title=_("Rapport"))
    for row in rows:
        dataset.append(row)
    return dataset.export(fmt), content_type, name


# --- The roadmaps' computed indicator -----------------------------------------------------------


def companies_supported_this_year(region_code: str) -> Decimal:
    """Firms (distinct SIREN) supported this calendar year in the region, by every provider."""
    period = Period(timezone.localdate().year)
    return Decimal(firms_supported(Engagement.objects.filter(region_code=region_code), period))
