"""One support history per SIREN: every installed app contributes its entries through
`AppConfig.support_history` (the support app's own with `support_entries_for_siren`), collected
newest first and shown only to the firm's people, the providers supporting it and platform staff."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import Kind, Organisation

from ..models import Engagement, Referral, firm_key

# A firm key: a SIREN, or "D" + directory id for an organisation without one (models.firm_key).
FIRM_KEY_RE = re.compile(r"^(\d{9}|D\d{8})$")


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a firm's support history, whichever app wrote it."""

    date: dt.date | None
    kind: str
    label: str
    provider: str
    provider_id: int | None = None
    app: str = ""


def _entry(raw: Any, app: str) -> HistoryEntry:
    get = raw.get if isinstance(raw, Mapping) else lambda name, default=None: getattr(raw, name, default)
    when = get("date")
    if isinstance(when, dt.datetime):
        when = timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    provider = get("provider", "")
    provider_id = get("provider_id")
    if isinstance(provider, Organisation):
        provider_id, provider = provider.pk, provider.name
    return HistoryEntry(
        when, str(get("kind", "")), str(get("label", "")), str(provider or ""), provider_id, app
    )


def support_entries_for_siren(siren: str) -> list[dict[str, Any]]:
    """The support app's own contribution to the history: requests routed and support given."""
    entries: list[dict[str, Any]] = []
    for referral in Referral.objects.filter(request__siren=siren).select_related(
        "provider", "service", "request"
    ):
        entries.append(
            {
                "date": referral.request.created_at,
                "kind": _("Demande orientée"),
                "label": f"{referral.service.title} — {referral.get_status_display()}",
                "provider": referral.provider,
            }
        )
    for engagement in Engagement.objects.filter(siren=siren, referral=None).select_related(
        "provider", "service"
    ):
        entries.append(
            {
                "date": engagement.date,
                "kind": engagement.get_kind_display(),
                "label": engagement.label or (engagement.service.title if engagement.service else ""),
                "provider": engagement.provider,
            }
        )
    return entries


def history_functions() -> list[tuple[str, Any]]:
    """(app label, function) for every installed app whose AppConfig names `support_history`."""
    return [
        (config.label, import_string(config.support_history))  # type: ignore[attr-defined]
        for config in apps.get_app_configs()
        if getattr(config, "support_history", None)
    ]


def support_history(siren: str) -> list[HistoryEntry]:
    """Every app's entries for the firm `siren`, newest first."""
    entries = [_entry(raw, label) for label, function in history_functions() for raw in function(siren)]
    return sorted(entries, key=lambda e: (e.date or dt.date.min, e.kind, e.label), reverse=True)


def may_see_history(user: Any, siren: str, entries: Iterable[HistoryEntry] = ()) -> bool:
    """The firm's own people, the providers that support it (a referral, support given or an entry
    of another app naming them), platform staff."""
    if not permissions.is_signed_in(user):
        return False
    if permissions.is_platform_staff(user):
        return True
    ids = permissions.organisation_ids_of(user)
    if not ids:
        return False
    if organisations_of_key(siren).filter(pk__in=ids).exists():
        return True
    if Referral.objects.filter(request__siren=siren, provider_id__in=ids).exists():
        return True
    if Engagement.objects.filter(siren=siren, provider_id__in=ids).exists():
        return True
    return any(entry.provider_id in ids for entry in entries)


def get_history_for_user(user: Any, siren: str) -> tuple[Organisation | None, list[HistoryEntry]]:
    """(the firm, its history) if `user` may see it; Http404 otherwise (nor whether it exists)."""
    if not FIRM_KEY_RE.match(siren or ""):
        raise Http404("SIREN inconnu")
    entries = support_history(siren)
    if not may_see_history(user, siren, entries):
        raise Http404("Historique inconnu")
    return organisations_of_key(siren).first(), entries


def organisations_of_key(key: str) -> QuerySet[Organisation]:
    """The organisation a firm key names (see `models.firm_key`)."""
    if key.startswith("D"):
        return Organisation.objects.filter(pk=int(key[1:]), siren=None)
    return Organisation.objects.filter(siren=key)


def firms_with_history(user: Any) -> list[tuple[Organisation, str]]:
    """The user's own companies and their firm keys: whose history they may open from their space."""
    organisations = organisation_permissions.organisations_with_role(user, permissions.ADVISER_ROLES).filter(
        kind=Kind.COMPANY
    )
    return [(organisation, firm_key(organisation)) for organisation in organisations.order_by("name")[:20]]
