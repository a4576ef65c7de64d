"""Campaigns: creation and edition (scope, cluster), the invitations prepared from the directory's
target companies, contact addresses imported from a CSV (all or nothing,
`core.imports.ImportReport`), opening, closing and the scheduled closing of due campaigns."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.core.imports import ImportReport
from filiere.needs import selectors
from filiere.needs.models import (
    Campaign,
    Invitation,
    Scope,
    Status,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User

from filiere.organisations.models import Establishment
from filiere.territories.models import Commune

from .base import require_permission
from .mailing import send_invitations


def _check_scope(campaign: Campaign) -> None:
    errors: dict[str, str] = {}
    if campaign.closes_on and campaign.opens_on and campaign.closes_on < campaign.opens_on:
        errors["closes_on"] = _("La clôture précède l'ouverture.")
    if campaign.scope == Scope.DEPARTMENT:
        if campaign.department is None:
            errors["department"] = _("Choisissez le département.")
        elif campaign.department.region_id != campaign.region_id:
            errors["department"] = _("Ce département n'est pas dans la région de la campagne.")
    if campaign.scope == Scope.EPCI:
        if campaign.epci is None:
            errors["epci"] = _("Choisissez l'intercommunalité.")
        elif not Commune.objects.filter(epci=campaign.epci, region_id=campaign.region_id).exists():
            errors["epci"] = _("Cette intercommunalité n'est pas dans la région de la campagne.")
    if campaign.scope == Scope.CLUSTER and campaign.cluster is None:
        errors["cluster"] = _("Choisissez le cluster dont les adhérents sont interrogés.")
    if errors:
        raise ValidationError(errors)


def create_campaign(*, user: User, **fields: Any) -> Campaign:
    """Create a draft campaign after checking that `user` may run it in that region / for that cluster."""
    require_permission(
        selectors.can_create_campaign(user), _("Vous ne pouvez pas créer de campagne d'enquête.")
    )
    campaign = Campaign(created_by=user, status=Status.DRAFT, **fields)
    regions = selectors.creatable_regions(user)
    if not permissions.is_platform_staff(user) and campaign.region_id not in regions:
        if not (campaign.scope == Scope.CLUSTER and _cluster_allowed(user, campaign.cluster)):
            raise PermissionDenied(_("Vous ne pouvez pas créer de campagne dans cette région."))
    if campaign.scope == Scope.CLUSTER:
        require_permission(_cluster_allowed(user, campaign.cluster), _("Vous n'animez pas ce cluster."))
    if campaign.owner is not None:
        require_permission(
            permissions.is_platform_staff(user) or campaign.owner.pk in selectors.staff_org_ids(user),
            _("Vous ne pouvez conduire une enquête qu'au nom d'une organisation que vous administrez."),
        )
    _check_scope(campaign)
    if not selectors.can_manage_campaign(user, campaign):
        # A cluster's staff run a territorial survey in their organisation's name, or they could
        # not manage it afterwards.
        raise ValidationError({"owner": _("Choisissez l'organisation qui conduit l'enquête (la vôtre).")})
    campaign.full_clean(exclude=["created_by"])
    campaign.save()
    return campaign


def _cluster_allowed(user: User, cluster: Any) -> bool:
    return cluster is not None and selectors.runnable_clusters(user).filter(pk=cluster.pk).exists()


def update_campaign(*, user: User, campaign: Campaign, **fields: Any) -> Campaign:
    """Change a campaign's texts, dates, reminder delay or publication; its target only while a draft."""
    require_permission(selectors.can_manage_campaign(user, campaign), _("Vous ne gérez pas cette campagne."))
    target_fields = {"scope", "region", "department", "epci", "cluster", "digital_only"}
    if campaign.status != Status.DRAFT and any(
        getattr(campaign, k) != v for k, v in fields.items() if k in target_fields
    ):
        raise ValidationError(_("Le périmètre ne peut plus changer une fois la campagne ouverte."))
    for key, value in fields.items():
        setattr(campaign, key, value)
    _check_scope(campaign)
    campaign.full_clean(exclude=["created_by"])
    campaign.save()
    return campaign


@dataclass
class PrepareReport:
    created: int = 0
    removed: int = 0
    kept: int = 0
    emails_found: int = 0


@transaction.atomic
def prepare_invitations(
    *, user: User | None, campaign: Campaign, today: dt.date | None = None
) -> PrepareReport:
    """Create one invitation per target company (the directory selection), with a contact address
    when the company has an editor with one. Rerunning adds new targets; while the campaign is a
    draft it also drops companies no longer targeted. `user` None = a system run (demo, command)."""
    if user is not None:
        require_permission(
            selectors.can_manage_campaign(user, campaign), _("Vous ne gérez pas cette campagne.")
        )
    if campaign.status == Status.CLOSED:
        raise ValidationError(_("La campagne est close."))
    targets = {t.organisation_id: t for t in selectors.target_companies(campaign, today=today)}
    existing = dict(campaign.invitations.values_list("organisation_id", "pk"))
    report = PrepareReport(kept=len(set(existing) & set(targets)))
    if campaign.status == Status.DRAFT:
        stale = [pk for org, pk in existing.items() if org not in targets]
        report.removed = len(stale)
        Invitation.objects.filter(pk__in=stale, answered_at__isnull=True).delete()
    new = [t for org, t in targets.items() if org not in existing]
    emails = selectors.company_emails(t.organisation_id for t in new)
    Invitation.objects.bulk_create(
        [
            Invitation(
                campaign=campaign,
                organisation_id=t.organisation_id,
                department_code=t.department_code,
                headcount_band=t.headcount_band,
                email=emails.get(t.organisation_id, ""),
            )
            for t in new
        ],
        batch_size=1000,
    )
    report.created = len(new)
    report.emails_found = len(emails)
    return report


_DIGITS = re.compile(r"\D")


def import_contacts(*, user: User, campaign: Campaign, content: str) -> ImportReport:
    """Set invitations' contact addresses from a CSV (columns: siren or siret, email; ; or ,).

    All or nothing: one bad line (unknown company, invalid address) and nothing is saved; the
    report (`core.imports.ImportReport`) lists every bad line by number and field.
    """
    require_permission(selectors.can_manage_campaign(user, campaign), _("Vous ne gérez pas cette campagne."))
    report = ImportReport()
    sample = content[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=delimiter)
    by_siren = {
        siren: pk
        for pk, siren in campaign.invitations.exclude(organisation__siren=None).values_list(
            "pk", "organisation__siren"
        )
    }

    changes: dict[int, str] = {}
    for number, row in enumerate(reader, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells and not _DIGITS.sub("", cells[0]):
            continue  # header line
        if len(cells) < 2:
            report.reject(line=number, message=_("deux colonnes attendues (SIREN ou SIRET ; e-mail)."))
            continue
        code, email = _DIGITS.sub("", cells[0]), cells[1]
        try:
            validate_email(email)
        except ValidationError:
            report.reject(
                line=number,
                field="email",
                message=_("adresse e-mail invalide « %(email)s ».") % {"email": email[:80]},
            )
            continue
        siren = code[:9] if len(code) in (9, 14) else ""
        if len(code) == 14:
            siren = (
                Establishment.objects.filter(siret=code).values_list("organisation__siren", flat=True).first()
                or code[:9]
            )
        pk = by_siren.get(siren)
        if pk is None:
            report.reject(
                line=number,
                field="siren",
                message=_("« %(code)s » n'est pas une entreprise invitée à cette campagne.")
                % {"code": cells[0][:20]},
            )
            continue
        changes[pk] = email
    if not report.ok:
        return report
    with transaction.atomic():
        current = dict(Invitation.objects.filter(pk__in=list(changes)).values_list("pk", "email"))
        for pk, email in changes.items():
            if current.get(pk) == email:
                report.unchanged += 1
            else:
                Invitation.objects.filter(pk=pk).update(email=email)
                report.updated += 1
    return report


def open_campaign(*, user: User | None, campaign: Campaign, now: dt.datetime | None = None) -> int:
    """Open a draft campaign: invitations are prepared if needed and mailed. Returns mails sent."""
    now = now or timezone.now()
    if user is not None:
        require_permission(
            selectors.can_manage_campaign(user, campaign), _("Vous ne gérez pas cette campagne.")
        )
    if campaign.status != Status.DRAFT:
        raise ValidationError(_("Seule une campagne en brouillon peut être ouverte."))
    if campaign.closes_on < timezone.localdate(now):
        raise ValidationError(_("La date de clôture est passée : modifiez-la avant d'ouvrir la campagne."))
    if not campaign.invitations.exists():
        prepare_invitations(user=user, campaign=campaign)
    campaign.status = Status.OPEN
    campaign.opened_at = now
    campaign.save(update_fields=["status", "opened_at", "updated_at"])
    if campaign.opens_on > timezone.localdate(now):
        return 0  # invitations go out on the opening day (the reminders command sends them)
    return send_invitations(campaign=campaign, now=now)


def close_campaign(*, user: User | None, campaign: Campaign, now: dt.datetime | None = None) -> Campaign:
    """Close a campaign: answers can no longer be given or changed."""
    if user is not None:
        require_permission(
            selectors.can_manage_campaign(user, campaign), _("Vous ne gérez pas cette campagne.")
        )
    if campaign.status == Status.CLOSED:
        return campaign
    campaign.status = Status.CLOSED
    campaign.closed_at = now or timezone.now()
    campaign.save(update_fields=["status", "closed_at", "updated_at"])
    return campaign


def close_due_campaigns(*, now: dt.datetime | None = None) -> int:
    """Close the open campaigns whose closing date has passed."""
    now = now or timezone.now()
    return Campaign.objects.filter(status=Status.OPEN, closes_on__lt=timezone.localdate(now)).update(
        status=Status.CLOSED, closed_at=now, updated_at=now
    )
