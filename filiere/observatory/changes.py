"""What changed in the directory after a SIRENE update, per territory and per cluster's members.

`record_changes` compares every SIRENE establishment (those with a SIRET) with its state at the
previous run (`EstablishmentState`) and writes one `DirectoryChange` per closure (active →
closed), move (another commune), new NAF code, and new digital establishment (a new SIRET in the
digital sector, or an establishment whose new NAF code makes it digital). Both sides are read in
establishment order and merged, so memory does not grow with the directory; only the states that
changed are written back. The first run only records the states.

`send_change_digests` mails the staff who follow the firms: the editors and administrators of
each cluster get the changes of its members (one mail per person, through
`core.mail.send_templated_mail`). Run both after each stock import: the task
`observatory.tasks.recompute_after_import` does, or `filiere observatory_changes`.

Like `aggregates.py`, this module reads `organisations.Establishment` directly: comparing the
whole directory with its previous state is the observatory's job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from filiere.accounts.models import Membership, Role
from filiere.core.mail import absolute_url, send_templated_mail
from filiere.observatory.models import ChangeKind, ChangeRun, DirectoryChange, EstablishmentState
from filiere.organisations.models import Establishment, Relation, RelationKind, State
from filiere.organisations.selectors import get_organisation_for_user

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer

BATCH = 5000
#: Changes listed in a mail per cluster; the page has them all.
MAIL_LIMIT = 30

_COLUMNS = (
    "pk", "state", "commune_code", "naf_code", "is_digital", "siret", "name", "is_diffusible",
    "organisation_id", "organisation__is_diffusible", "region_code", "department_code",
)  # fmt: skip


def _establishments() -> Iterator[tuple]:
    return (
        Establishment.objects.filter(siret__isnull=False)
        .order_by("pk")
        .values_list(*_COLUMNS)
        .iterator(chunk_size=BATCH)
    )


def _states() -> Iterator[tuple]:
    return (
        EstablishmentState.objects.order_by("pk")
        .values_list("pk", "state", "commune_code", "naf_code", "is_digital")
        .iterator(chunk_size=BATCH)
    )


def _diff(row: tuple, before: tuple | None) -> list[tuple[str, str, str]]:
    """(kind, before, after) of one establishment against its previous state (None: new)."""
    _pk, state, commune, naf, digital = row[:5]
    if before is None:
        return [(ChangeKind.NEW_DIGITAL, "", naf)] if digital and state == State.ACTIVE else []
    _, old_state, old_commune, old_naf, old_digital = before
    found = []
    if old_state == State.ACTIVE and state == State.CLOSED:
        found.append((ChangeKind.CLOSURE, old_state, state))
    if old_commune and commune and old_commune != commune:
        found.append((ChangeKind.MOVE, old_commune, commune))
    if old_naf and naf and old_naf != naf:
        found.append((ChangeKind.NAF, old_naf, naf))
        if digital and not old_digital and state == State.ACTIVE:
            found.append((ChangeKind.NEW_DIGITAL, old_naf, naf))
    return found


def _change(run: ChangeRun, row: tuple, kind: str, before: str, after: str) -> DirectoryChange:
    (pk, _state, _commune, _naf, _digital, siret, name, diffusible, org, org_diffusible, region, dep) = row
    return DirectoryChange(
        run=run,
        kind=kind,
        establishment_id=pk,
        organisation_id=org,
        siret=siret or "",
        name=(name or "")[:255] if diffusible and org_diffusible else "",
        region_code=region or "",
        department_code=dep or "",
        before=before[:100],
        after=after[:100],
    )


def record_changes(*, import_run: Any = None) -> ChangeRun:
    """Compare the SIRENE establishments with the previous run and record what changed."""
    started = timezone.now()
    baseline = not EstablishmentState.objects.exists()
    run = ChangeRun.objects.create(started_at=started, import_run=import_run, baseline=baseline)
    changes: list[DirectoryChange] = []
    new_states: list[EstablishmentState] = []
    updated_states: list[EstablishmentState] = []
    seen = 0
    states = _states()
    current = next(states, None)
    for row in _establishments():
        seen += 1
        pk = row[0]
        while current is not None and current[0] < pk:  # gone from the directory: cascade deletes it
            current = next(states, None)
        before = current if current is not None and current[0] == pk else None
        if not baseline:
            changes.extend(_change(run, row, kind, old, new) for kind, old, new in _diff(row, before))
        state = EstablishmentState(
            establishment_id=pk, state=row[1], commune_code=row[2], naf_code=row[3], is_digital=row[4]
        )
        if before is None:
            new_states.append(state)
        elif tuple(before[1:]) != tuple(row[1:5]):
            updated_states.append(state)
    with transaction.atomic():
        DirectoryChange.objects.bulk_create(changes, batch_size=BATCH)
        EstablishmentState.objects.bulk_create(new_states, batch_size=BATCH)
        EstablishmentState.objects.bulk_update(
            updated_states, ["state", "commune_code", "naf_code", "is_digital"], batch_size=BATCH
        )
        run.establishments, run.changes, run.finished_at = seen, len(changes), timezone.now()
        run.save(update_fields=["establishments", "changes", "finished_at"])
    return run


# --- Reading the changes (page and mail) ------------------------------------------------------


def counts_by_territory(rows: Any, *, region: str = "") -> list[tuple[str, dict[str, int]]]:
    """Per region (or per department when the `rows`, from `changes_for`, are one region's): the
    number of changes of each kind."""
    column = "department_code" if region else "region_code"
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ChangeKind.values, 0))
    for code, kind, n in rows.order_by().values_list(column, "kind").annotate(n=Count("pk")):
        table[code or ""][kind] = n
    return sorted(table.items())


def cluster_members(cluster_id: int) -> set[int]:
    """Organisations that are members of a cluster."""
    return set(
        Relation.objects.filter(target_id=cluster_id, kind=RelationKind.MEMBER_OF).values_list(
            "source_id", flat=True
        )
    )


def changes_for(
    run: ChangeRun, *, region: str = "", department: str = "", cluster_id: int | None = None
) -> Any:
    """The changes of a run, for a territory and/or a cluster's members."""
    rows = run.change_rows.all()
    if region:
        rows = rows.filter(region_code=region)
    if department:
        rows = rows.filter(department_code=department)
    if cluster_id is not None:
        rows = rows.filter(organisation_id__in=cluster_members(cluster_id))
    return rows


#: Establishments listed by the page and the API.
CHANGE_LIMIT = 500


@dataclass
class ChangeReport:
    """What the page and the API show: a run, counts per territory, the changes listed."""

    run: ChangeRun | None
    runs: list[ChangeRun]
    region: str = ""
    department: str = ""
    cluster: Any = None
    #: (territory code, territory name, {kind: count}) per region, or per department of `region`
    territories: list[tuple[str, str, dict[str, int]]] = field(default_factory=list)
    changes: list[DirectoryChange] = field(default_factory=list)
    truncated: bool = False


def change_report(
    user: Viewer, *, run_id: str = "", region: str = "", department: str = "", cluster_id: str = ""
) -> ChangeReport:
    """The report of a run (the last one by default) for a territory and/or a cluster's members,
    from request parameters; 404 for an unknown run, malformed codes or an unknown cluster."""
    from django.http import Http404

    from filiere.observatory.selectors import is_code, territory_names

    runs = list(ChangeRun.objects.filter(finished_at__isnull=False, baseline=False)[:12])
    run = runs[0] if runs else None
    if run_id:
        run = next((r for r in runs if str(r.pk) == run_id), None)
        if run is None:
            raise Http404
    if (region and not is_code(region)) or (department and not is_code(department)):
        raise Http404
    cluster = None
    if cluster_id:
        if not cluster_id.isdigit():
            raise Http404
        cluster = get_organisation_for_user(user, int(cluster_id))
    report = ChangeReport(run, runs, region, department, cluster)
    if run is None:
        return report
    members = cluster.pk if cluster else None
    counts = counts_by_territory(changes_for(run, region=region, cluster_id=members), region=region)
    names = territory_names("department" if region else "region", [code for code, _ in counts])
    report.territories = [(code, names.get(code, code), n) for code, n in counts]
    rows = changes_for(run, region=region, department=department, cluster_id=members)
    listed = list(rows.order_by("kind", "department_code", "name")[: CHANGE_LIMIT + 1])
    report.changes, report.truncated = listed[:CHANGE_LIMIT], len(listed) > CHANGE_LIMIT
    return report


@dataclass
class Digest:
    """What one person receives: per cluster they staff, its members' changes."""

    email: str
    language: str
    clusters: dict[str, list[DirectoryChange]] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)


def digests(run: ChangeRun) -> list[Digest]:
    """One digest per cluster editor or administrator whose cluster has members that changed."""

    changed = defaultdict(list)
    for change in run.change_rows.exclude(organisation=None).order_by("kind", "name"):
        changed[change.organisation_id].append(change)
    if not changed:
        return []
    by_cluster: dict[int, list[DirectoryChange]] = defaultdict(list)
    relations = Relation.objects.filter(kind=RelationKind.MEMBER_OF, source_id__in=list(changed))
    for source, target in relations.values_list("source_id", "target_id"):
        by_cluster[target].extend(changed[source])
    staff = (
        Membership.objects.filter(
            organisation_id__in=list(by_cluster),
            role__in=[Role.EDITOR, Role.ADMIN],
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user", "organisation")
        .order_by("user_id", "organisation__name")
    )
    result: dict[int, Digest] = {}
    for membership in staff:
        user = membership.user
        digest = result.setdefault(user.pk, Digest(user.email, getattr(user, "language", "") or "fr"))
        name = membership.organisation.name
        digest.clusters[name] = by_cluster[membership.organisation_id]
        digest.urls[name] = absolute_url(
            reverse("observatory:changes") + f"?run={run.pk}&groupement={membership.organisation_id}"
        )
    return list(result.values())


def send_change_digests(run: ChangeRun) -> int:
    """Mail each digest (see `digests`); the number of people mailed, also kept on the run."""
    sent = 0
    for digest in digests(run):
        clusters = [
            {
                "name": name,
                "count": len(rows),
                "changes": rows[:MAIL_LIMIT],
                "more": max(0, len(rows) - MAIL_LIMIT),
                "url": digest.urls[name],
            }
            for name, rows in digest.clusters.items()
        ]
        send_templated_mail(
            "observatory/mail/changes",
            to=[digest.email],
            context={"run": run, "clusters": clusters},
            language=digest.language if digest.language in ("fr", "en") else None,
        )
        sent += 1
    ChangeRun.objects.filter(pk=run.pk).update(recipients=sent)
    run.recipients = sent
    return sent
