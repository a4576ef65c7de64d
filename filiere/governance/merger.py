"""The merger of associations into one cluster, in three steps a person can rerun:

1. `read_member_file`: one former association's member file (CSV in UTF-8 or Windows-1252, or
   XLSX) becomes `MergerRecord` rows, upserted on the firm's key (SIREN, else the folded name and
   postcode). Broken rows (no name, bad SIREN/SIRET checksum, unreadable date or amount, a line
   repeated in the file) are reported by line and field; valid rows are kept; a rerun with the
   corrected file adds what was missing and changes nothing else.
2. `find_duplicates`: the same firm across files. SIREN first; then the normalised name (accents,
   case, punctuation and legal form dropped) at the same postcode; names alike at the same
   postcode, or one name at the same street address under two postcodes, become
   `DuplicatePair`s a person decides on (two different SIRENs are never one firm).
3. `apply_merger`: in one transaction, refused while a pair waits for a decision. Every record
   becomes a membership of its former association (status "merged", with its fees and payments
   as history), and every firm one active membership of the cluster, pointing back at them.

Length (about 550 lines), on purpose: the three steps share the record key, the name folding and
the report; a reader follows one file from a member file to the merged cluster.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from typing import Any

import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts.models import User
from filiere.core.imports import ImportReport
from filiere.core.models import ImportRun
from filiere.core.text import fold
from filiere.organisations import services as organisation_services
from filiere.organisations.models import College, Organisation

from . import selectors
from .models import (
    DuplicatePair,
    FeeCall,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Merger,
    MergerRecord,
    MergerStatus,
    PairDecision,
    Payment,
    PaymentMethod,
)
from .services import decode, sniff_rows

RUN_KIND = "governance:member_file"
SAME_THRESHOLD = 0.93  # names this alike at one postcode: the same firm
DOUBT_THRESHOLD = 0.72  # between the two: a person decides

LEGAL_FORMS = frozenset(
    "sa sas sasu sarl eurl sci scop scic snc sca selarl earl gie eirl ei sarlu association asso ste societe".split()
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_FEE_COLUMN = re.compile(r"^cotisation[_ ]?(\d{4})$")

COLUMN_ALIASES = {
    "siren": ("siren",),
    "siret": ("siret",),
    "name": ("nom", "raison_sociale", "raison sociale", "entreprise", "denomination", "dénomination", "name"),
    "address": ("adresse", "address", "rue"),
    "postcode": ("code_postal", "code postal", "cp", "postcode"),
    "city": ("ville", "commune", "city"),
    "college": ("college", "collège", "filière", "filiere"),
    "joined_on": (
        "adhesion",
        "adhésion",
        "date_adhesion",
        "date d'adhésion",
        "date_adhésion",
        "membre_depuis",
    ),
}


def normalise_name(name: str) -> str:
    """A firm's name for comparison: folded, without punctuation or legal form."""
    words = _NON_WORD.sub(" ", fold(name).lower().replace(".", "")).split()
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


def normalise_address(address: str) -> str:
    words = _NON_WORD.sub(" ", fold(address).lower()).split()
    short = {
        "avenue": "av",
        "boulevard": "bd",
        "bis": "b",
        "rue": "r",
        "place": "pl",
        "chemin": "ch",
        "route": "rte",
    }
    return " ".join(short.get(w, w) for w in words)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def _header_map(headers: list[str]) -> dict[str, str]:
    folded = {fold(h).strip().lower().replace("'", " ").replace("  ", " "): h for h in headers}
    found: dict[str, str] = {}
    for field, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            key = fold(alias).lower().replace("'", " ")
            if key in folded:
                found[field] = folded[key]
                break
            if key.replace(" ", "_") in folded:
                found[field] = folded[key.replace(" ", "_")]
                break
    return found


def _rows(filename: str, data: bytes, report: ImportReport) -> tuple[list[str], list[list[str]]]:
    if filename.lower().endswith(".xlsx"):
        book = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
        headers = [str(h or "").strip() for h in book.headers or []]
        return headers, [[("" if c is None else str(c)).strip() for c in row] for row in book]
    rows = sniff_rows(decode(data, report))
    headers = list(rows[0].keys()) if rows else []
    return headers, [[row.get(h, "") for h in headers] for row in rows]


@dataclass
class _Parsed:
    key: str
    values: dict[str, Any]


def _parse_date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%y", "%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _parse_row(
    raw: dict[str, str], columns: dict[str, str], fee_columns: dict[str, int], line: int, report: ImportReport
) -> _Parsed | None:
    def get(field: str) -> str:
        return (raw.get(columns[field], "") if field in columns else "").strip()

    name = get("name")
    if not name:
        report.reject(line=line, field="nom", message=_("Nom de l'entreprise manquant."), excerpt=str(raw))
        return None
    siren = re.sub(r"\s", "", get("siren"))
    siret = re.sub(r"\s", "", get("siret"))
    if siret:
        if not (siret.isdigit() and len(siret) == 14 and luhn_ok(siret)):
            report.reject(
                line=line,
                field="siret",
                message=_("SIRET invalide (14 chiffres, clé de contrôle)."),
                key=siret,
                excerpt=str(raw),
            )
            return None
        siren = siren or siret[:9]
    if siren and not (siren.isdigit() and len(siren) == 9 and luhn_ok(siren)):
        report.reject(
            line=line,
            field="siren",
            message=_("SIREN invalide (9 chiffres, clé de contrôle)."),
            key=siren,
            excerpt=str(raw),
        )
        return None
    try:
        joined_on = _parse_date(get("joined_on"))
    except ValueError:
        report.reject(
            line=line,
            field="adhésion",
            message=_("Date d'adhésion illisible (JJ/MM/AAAA attendu)."),
            excerpt=str(raw),
        )
        return None
    fees: dict[str, str] = {}
    for column, year in fee_columns.items():
        text = raw.get(column, "").strip().replace("€", "").replace(" ", "").replace(",", ".")
        if not text:
            continue
        try:
            fees[str(year)] = str(Decimal(text).quantize(Decimal("0.01")))
        except InvalidOperation:
            report.reject(
                line=line, field=column, message=_("Montant de cotisation illisible."), excerpt=str(raw)
            )
            return None
    postcode = get("postcode")[:10]
    key = siren or f"{normalise_name(name)}|{postcode}"[:64]
    return _Parsed(
        key,
        {
            "siren": siren, "name": name[:255], "address": get("address")[:255], "postcode": postcode,
            "city": get("city")[:100], "college_name": get("college")[:120], "joined_on": joined_on, "fees": fees,
            "raw": raw,
        },
    )  # fmt: skip


def read_member_file(
    *, merger: Merger, association: Organisation, filename: str, data: bytes, by: User | None
) -> ImportReport:
    """Read one former association's member file into the merger (see the module's docstring)."""
    if by is not None and not selectors.is_board(by, merger.cluster_id):
        raise PermissionDenied
    if merger.status != MergerStatus.DRAFT:
        raise ValidationError(_("La fusion est déjà réalisée : ses fichiers ne changent plus."))
    if not merger.predecessors.filter(pk=association.pk).exists():
        raise ValidationError(_("Cette association ne fait pas partie de la fusion."))
    report = ImportReport()
    ImportRun.objects.mark_abandoned()
    run = ImportRun.objects.create(
        kind=RUN_KIND, files=[filename], options={"merger": merger.pk, "association": association.pk}
    )
    report.run = run
    try:
        headers, rows = _rows(filename, data, report)
        columns = _header_map(headers)
        fee_columns = {
            h: int(m.group(1)) for h in headers if (m := _FEE_COLUMN.match(fold(h).strip().lower()))
        }
        if "name" not in columns:
            report.reject(
                line=1, field="nom", message=_("Colonne du nom introuvable (nom, raison sociale…).")
            )
            rows = []
        existing = {r.key: r for r in MergerRecord.objects.filter(merger=merger, association=association)}
        first_line: dict[str, int] = {}
        # One transaction per file: its valid rows land together (and fast on PostgreSQL).
        with transaction.atomic():
            for line, cells in enumerate(rows, start=2):
                if not any(cells):
                    continue
                raw = dict(zip(headers, cells, strict=False))
                parsed = _parse_row(raw, columns, fee_columns, line, report)
                if parsed is None:
                    continue
                if parsed.key in first_line:
                    report.reject(
                        line=line, field="siren" if parsed.values["siren"] else "nom",
                        message=_("Doublon de la ligne %(line)d dans ce fichier.") % {"line": first_line[parsed.key]},
                        key=parsed.key,
                    )  # fmt: skip
                    continue
                first_line[parsed.key] = line
                record = existing.get(parsed.key)
                values = {**parsed.values, "line": line, "run": run}
                if record is None:
                    MergerRecord.objects.create(
                        merger=merger, association=association, key=parsed.key, **values
                    )
                    report.created += 1
                elif record.raw == parsed.values["raw"]:
                    report.unchanged += 1
                else:
                    for name, value in values.items():
                        setattr(record, name, value)
                    record.save()
                    report.updated += 1
                run.beat(report.counts)
    except BaseException as exc:
        _finish(run, report, ImportRun.Status.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    _finish(run, report, ImportRun.Status.DONE)
    return report


def _finish(run: ImportRun, report: ImportReport, status: str, error: str = "") -> None:
    run.finish(status, counts=report.counts, rejections=report.rejections_as_dicts(), error=error)


class _Groups:
    """Union-find over record ids."""

    def __init__(self, ids: list[int]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+", text))


def _same_address(a: str, b: str) -> bool:
    """Addresses that may be one place: same street numbers, words alike (or one missing)."""
    if not a or not b:
        return True
    na, nb = normalise_address(a), normalise_address(b)
    return _numbers(na) == _numbers(nb) and similarity(na, nb) >= 0.7


def similarity(a: str, b: str) -> float:
    """Name similarity in [0, 1]: the better of character ratio and word overlap."""
    if a == b:
        return 1.0
    ratio = SequenceMatcher(None, a, b).ratio()
    wa, wb = set(a.split()), set(b.split())
    jaccard = len(wa & wb) / len(wa | wb) if wa | wb else 0.0
    return max(ratio, jaccard)


def match_records(
    records: list[dict[str, Any]], decisions: dict[tuple[int, int], str]
) -> tuple[dict[int, int], list[tuple[int, int, float, str]]]:
    """Group records of one firm (pure: ids, siren, name, address, postcode, association in;
    entity per record and the doubtful pairs out). `decisions` are the pairs a person already
    decided: (left, right) → same/different."""
    groups = _Groups([r["id"] for r in records])
    by_siren: dict[str, int] = {}
    by_name_pc: dict[tuple[str, str], int] = {}
    by_postcode: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        r["norm"] = normalise_name(r["name"])
        if r["siren"]:
            if r["siren"] in by_siren:
                groups.union(by_siren[r["siren"]], r["id"])
            else:
                by_siren[r["siren"]] = r["id"]
    sirens = {r["id"]: r["siren"] for r in records}
    for r in records:
        key = (r["norm"], r["postcode"])
        other = by_name_pc.get(key)
        if other is None:
            by_name_pc[key] = r["id"]
        elif not (r["siren"] and sirens[other] and r["siren"] != sirens[other]):
            groups.union(other, r["id"])
        by_postcode[r["postcode"]].append(r)
        by_name[r["norm"]].append(r)
    siren_of = sirens
    doubtful: list[tuple[int, int, float, str]] = []

    def consider(a: dict[str, Any], b: dict[str, Any], score: float, reason: str) -> None:
        left, right = min(a["id"], b["id"]), max(a["id"], b["id"])
        if groups.find(left) == groups.find(right):
            return
        if siren_of[left] and siren_of[right]:
            return  # two different SIRENs: two firms, whatever their names
        decided = decisions.get((left, right))
        if decided == PairDecision.SAME:
            groups.union(left, right)
        elif decided is None:
            doubtful.append((left, right, round(score, 3), reason))

    # Candidates: records at one postcode sharing a name word of 3 letters or more (blocking keeps
    # the comparisons near-linear: 4,500 rows compare in a second, not a minute).
    blocks: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        if r["postcode"]:
            for word in set(r["norm"].split()):
                if len(word) >= 3:
                    blocks[(r["postcode"], word)].append(r)
    seen: set[tuple[int, int]] = set()
    for group in blocks.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                key = (min(a["id"], b["id"]), max(a["id"], b["id"]))
                if key in seen or a["association"] == b["association"] or a["norm"] == b["norm"]:
                    continue
                seen.add(key)
                if _numbers(a["norm"]) != _numbers(b["norm"]):
                    continue  # "Studio 3" and "Studio 4": two firms, however alike
                if not _same_address(a["address"], b["address"]):
                    continue  # alike names at two addresses of one town: two firms
                score = similarity(a["norm"], b["norm"])
                if score >= SAME_THRESHOLD and not (siren_of[a["id"]] and siren_of[b["id"]]):
                    groups.union(a["id"], b["id"])
                elif score >= DOUBT_THRESHOLD:
                    consider(a, b, score, _("Noms proches au même code postal"))
    # One name at two postcodes goes to review only when the street address is the same too (a
    # postcode mistyped, a CEDEX or a merged commune): distinct firms share a generic name from
    # town to town, and a reviewer shown every such pair (1,456 in the bench, none one firm)
    # stops reading. A firm that moved between the files is found by its SIREN when both rows
    # give it; otherwise it stays two members until the SIREN is added and the file read again.
    for _norm, group in by_name.items():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (
                    a["postcode"] != b["postcode"]
                    and a["association"] != b["association"]
                    and _same_address(a["address"], b["address"])
                ):
                    consider(a, b, 0.9, _("Même nom à la même adresse, code postal différent"))
    entities = {r["id"]: groups.find(r["id"]) for r in records}
    # A pair whose records ended in one group by another path needs no decision any more.
    doubtful = [p for p in doubtful if entities[p[0]] != entities[p[1]]]
    return entities, doubtful


@transaction.atomic
def find_duplicates(*, merger: Merger, by: User | None) -> dict[str, int]:
    """Group the merger's records by firm and list the doubtful pairs (decisions kept)."""
    if by is not None and not selectors.is_board(by, merger.cluster_id):
        raise PermissionDenied
    records: list[dict[str, Any]] = [
        {**r, "association": r["association_id"]}
        for r in merger.records.values("id", "siren", "name", "address", "postcode", "association_id")
    ]
    decisions = {
        (p.left_id, p.right_id): p.decision for p in merger.pairs.exclude(decision=PairDecision.PENDING)
    }
    entities, doubtful = match_records(records, decisions)
    by_entity: dict[int, list[int]] = defaultdict(list)
    for record_id, entity in entities.items():
        by_entity[entity].append(record_id)
    for entity, ids in by_entity.items():
        MergerRecord.objects.filter(pk__in=ids).update(entity=entity)
    merger.pairs.filter(decision=PairDecision.PENDING).delete()
    DuplicatePair.objects.bulk_create(
        [
            DuplicatePair(merger=merger, left_id=a, right_id=b, score=score, reason=reason)
            for a, b, score, reason in doubtful
        ],
        ignore_conflicts=True,
    )
    return {"records": len(records), "firms": len(by_entity), "doubtful": len(doubtful)}


@transaction.atomic
def decide_pair(*, pair: DuplicatePair, by: User, same: bool) -> None:
    """A person says whether two records are one firm; the grouping is recomputed."""
    if not selectors.is_board(by, pair.merger.cluster_id):
        raise PermissionDenied
    if pair.merger.status != MergerStatus.DRAFT:
        raise ValidationError(_("La fusion est déjà réalisée."))
    pair.decision = PairDecision.SAME if same else PairDecision.DIFFERENT
    pair.decided_by = by
    pair.save(update_fields=["decision", "decided_by"])
    find_duplicates(merger=pair.merger, by=by)


def _college_for(merger: Merger, record: MergerRecord, colleges: dict[str, College]) -> College | None:
    if record.college_name and fold(record.college_name).lower() in colleges:
        return colleges[fold(record.college_name).lower()]
    college_id = merger.college_map.get(str(record.association_id))
    return next((c for c in colleges.values() if c.pk == college_id), None)


def _first_college(
    merger: Merger, records: list[MergerRecord], colleges: dict[str, College]
) -> College | None:
    """The college of the first record that names or maps to one: records of one firm come from
    several files, and the one read first need not be the one whose association has a college."""
    return next((c for r in records if (c := _college_for(merger, r, colleges)) is not None), None)


@transaction.atomic
def apply_merger(*, merger: Merger, by: User | None) -> dict[str, int]:
    """Carry every former membership, fee and payment into the cluster's history and make each
    firm one member of the cluster. All or nothing; refused while a pair waits for a decision."""
    merger = Merger.objects.select_for_update().get(pk=merger.pk)
    if by is not None and not selectors.is_board(by, merger.cluster_id):
        raise PermissionDenied
    if merger.status != MergerStatus.DRAFT:
        raise ValidationError(_("La fusion est déjà réalisée."))
    find_duplicates(merger=merger, by=None)
    pending = merger.pairs.filter(decision=PairDecision.PENDING).count()
    if pending:
        raise ValidationError(
            _("%(n)d paires d'entreprises restent à examiner avant la fusion.") % {"n": pending}
        )
    colleges = {fold(c.name).lower(): c for c in College.objects.filter(cluster=merger.cluster)}
    by_entity: dict[int, list[MergerRecord]] = defaultdict(list)
    for record in merger.records.select_related("association").order_by("line", "pk"):
        by_entity[record.entity or record.pk].append(record)
    now = timezone.now()
    counts = {"firms": 0, "former_memberships": 0, "fee_calls": 0}
    # Read once, written together at the end, in the order one firm after the other gives them;
    # only the memberships are written as they come (a former one names the current one).
    open_memberships = {
        m.organisation_id: m
        for m in Membership.objects.filter(cluster=merger.cluster, status__in=["pending", "active"])
    }
    events: list[MembershipEvent] = []
    relations: list[organisation_services.MemberRelation] = []
    history: list[tuple[FeeCall, Decimal, str]] = []
    for records in by_entity.values():
        first = next((r for r in records if r.siren), records[0])
        organisation = organisation_services.ensure_member_organisation(
            siren=first.siren,
            name=first.name,
            address=first.address,
            postcode=first.postcode,
            city=first.city,
        )
        joined = [r.joined_on for r in records if r.joined_on]
        current = open_memberships.get(organisation.pk)
        if current is None:
            current = Membership.objects.create(
                cluster=merger.cluster, college=_first_college(merger, [first, *records], colleges), organisation=organisation,
                status=MembershipStatus.ACTIVE, joined_on=min(joined) if joined else merger.effective_on,
                note=_("Reprise par la fusion"),
            )  # fmt: skip
            open_memberships[organisation.pk] = current
            events.append(MembershipEvent(
                membership=current, at=now, from_status="", to_status=MembershipStatus.ACTIVE, by=by,
                note=_("Membre par la fusion de : %(names)s") % {"names": ", ".join(sorted({r.association.name for r in records}))},
            ))  # fmt: skip
            relations.append(
                organisation_services.MemberRelation(
                    member=organisation, college=current.college, active=True, start_date=current.joined_on
                )
            )
        counts["firms"] += 1
        for record in records:
            former = Membership.objects.create(
                cluster=record.association, organisation=organisation, status=MembershipStatus.MERGED,
                joined_on=record.joined_on, ended_on=merger.effective_on, merged_into=current,
                note=record.college_name[:255],
            )  # fmt: skip
            events.append(MembershipEvent(
                membership=former, at=now, from_status=MembershipStatus.ACTIVE, to_status=MembershipStatus.MERGED, by=by,
                note=_("Fusion dans %(cluster)s") % {"cluster": merger.cluster.name},
            ))  # fmt: skip
            counts["former_memberships"] += 1
            for year, amount in sorted(record.fees.items()):
                call = FeeCall(
                    membership=former,
                    year=int(year),
                    amount=Decimal(amount),
                    paid=Decimal(amount),
                    due_on=dt.date(int(year), 3, 31),
                )
                history.append((call, Decimal(amount), year))
                counts["fee_calls"] += 1
    MembershipEvent.objects.bulk_create(events)
    organisation_services.set_member_relations(cluster=merger.cluster, relations=relations)
    FeeCall.objects.bulk_create([call for call, _amount, _year in history])
    Payment.objects.bulk_create(
        Payment(
            fee_call=call, amount=amount, paid_on=dt.date(int(year), 12, 31), method=PaymentMethod.HISTORY,
            receipt_number=f"H{year}-{call.pk}",
        )
        for call, amount, year in history
    )  # fmt: skip
    merger.status = MergerStatus.DONE
    merger.applied_at = now
    merger.save(update_fields=["status", "applied_at", "updated_at"])
    return counts
