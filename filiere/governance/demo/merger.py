"""Demo governance, part one: the Languedoc-Roussillon merger (seed 003).

"Media Cloud Cluster (MCC) …, Novae LR … et PixLR … se fédèrent" into one regional cluster
(Digital 113 in the directory demo) "structuré sous la forme de grands « collèges » thématiques",
plus the colleges "Start-Ups & Entrepreneurs" and "Enseignement supérieur & recherche"; "les
règles d'adhésion pourraient rester à l'appréciation de chaque collège"; the founders chose a
merger "plutôt qu'une dissolution …, qui impliquerait la perte de l'historique des filières"; the
Region "[a gelé] certaines subventions dans l'attente de ce regroupement".

So: five colleges with their own rules and fee grids; each former association's member file
(2011–2014, written as the CSV an association keeps, with the variations real files have: legal
form or not, capitals, no accents, abbreviated addresses, some SIRENs missing) read, deduplicated,
reviewed and merged on 1 January 2015; fees called and paid for 2025 and 2026; the Region's
subsidy frozen until the merger, then paid; a small ledger; the general assembly's vote on the
merger, weighted per college, in the public register. Members are digital companies of the
ex-Languedoc-Roussillon departments of the directory demo; amounts are illustrative (seeded
random). Loading twice changes nothing (a merger already applied is left as it is).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from filiere.governance import merger as merging
from filiere.governance import services
from filiere.governance.models import (
    Body,
    BodyKind,
    CollegeRules,
    Decision,
    FeeBand,
    FeeBasis,
    FeeCall,
    FundingLine,
    FundingStatus,
    LedgerEntry,
    Meeting,
    Merger,
    MergerStatus,
    PairDecision,
)
from filiere.organisations.models import College, Kind, Organisation

SEED = 2014
CLUSTER = "Digital 113"
ASSOCIATIONS = ("Media Cloud Cluster", "Novae LR", "PixLR")
FUNDER = "Région Occitanie"
LR_DEPARTMENTS = ("11", "30", "34", "48", "66")
# name, NAF prefixes (empty: all), approval, board seats, vote weight, fee grid (max headcount, €)
COLLEGES: tuple[tuple[str, list[str], bool, int, str, tuple[tuple[int | None, int], ...]], ...] = (
    ("Cloud", ["62", "63"], True, 3, "1.5", ((9, 150), (49, 450), (None, 1200))),
    ("Économie numérique", [], True, 3, "1.5", ((9, 150), (49, 450), (None, 1200))),
    (
        "Création numérique",
        ["58", "59", "62", "74", "90"],
        True,
        3,
        "1.5",
        ((9, 100), (49, 300), (None, 900)),
    ),
    ("Start-Ups & Entrepreneurs", [], False, 2, "1", ((None, 60),)),
    ("Enseignement supérieur & recherche", [], True, 2, "1", ((None, 300),)),
)
COLLEGE_OF = {"Media Cloud Cluster": 0, "Novae LR": 1, "PixLR": 2}


def _vary(rng: random.Random, name: str) -> str:
    """How another association typed the same firm."""
    choice = rng.random()
    if choice < 0.3:
        return name.upper()
    if choice < 0.55:
        return f"{name} SAS"
    if choice < 0.7:
        return name.replace("é", "e").replace("è", "e").replace("É", "E")
    return name


def _file(rng: random.Random, firms: list[Organisation], association: str) -> bytes:
    lines = ["siren;nom;adresse;code_postal;ville;adhesion;cotisation_2012;cotisation_2013;cotisation_2014"]
    for firm in firms:
        est = firm.establishments.first()
        address = est.address if est else ""
        if rng.random() < 0.3:
            address = (
                address.replace("Avenue", "av.")
                .replace("avenue", "av.")
                .replace("Rue", "r.")
                .replace("rue", "r.")
            )
        # Only SIRENs with a valid check digit: the member files are read like real ones.
        siren = firm.siren if firm.siren and merging.luhn_ok(firm.siren) else ""
        if rng.random() < 0.25:
            siren = ""  # the association never asked
        joined = rng.randint(2009, 2014)
        fees = [str(rng.choice((100, 150, 300))) if year >= joined else "" for year in (2012, 2013, 2014)]
        lines.append(
            ";".join(
                [
                    siren, _vary(rng, firm.name), address, est.postcode if est else "", est.city if est else "",
                    f"01/{rng.randint(1, 12):02d}/{joined}", *fees,
                ]
            )
        )  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


def _colleges(cluster: Organisation) -> list[College]:
    colleges = []
    for name, naf, approval, seats, weight, grid in COLLEGES:
        college, _ = College.objects.get_or_create(cluster=cluster, name=name)
        CollegeRules.objects.get_or_create(
            college=college,
            defaults={
                "naf_prefixes": naf, "approval_required": approval, "board_seats": seats,
                "vote_weight": Decimal(weight), "accepts_people": name.startswith("Start-ups"),
            },
        )  # fmt: skip
        if not college.fee_bands.exists():
            low = 0
            for high, amount in grid:
                FeeBand.objects.create(
                    college=college,
                    basis=FeeBasis.HEADCOUNT,
                    minimum=low,
                    maximum=high,
                    amount=Decimal(amount),
                )
                low = (high or 0) + 1
        colleges.append(college)
    return colleges


def load_merger_demo() -> Merger | None:
    """The merged cluster with its colleges, history, fees, subsidies and a vote; idempotent."""
    named = {o.name: o for o in Organisation.objects.filter(name__in=[CLUSTER, *ASSOCIATIONS, FUNDER])}
    if CLUSTER not in named or not all(a in named for a in ASSOCIATIONS):
        return None  # the directory demo is not loaded
    cluster = named[CLUSTER]
    existing = Merger.objects.filter(cluster=cluster).first()
    if existing is not None and existing.status == MergerStatus.DONE:
        return existing
    rng = random.Random(SEED)
    # The directory demo's generated firms have no SIREN: their rows are matched on name and address.
    firms = list(
        Organisation.objects.filter(
            kind=Kind.COMPANY,
            establishments__is_digital=True,
            establishments__department_code__in=LR_DEPARTMENTS,
        )
        .distinct()
        .order_by("pk")[:150]
    )
    if len(firms) < 30:
        return None
    with transaction.atomic():
        colleges = _colleges(cluster)
        merger = existing or Merger.objects.create(cluster=cluster, effective_on=dt.date(2015, 1, 1))
        merger.predecessors.add(*(named[a] for a in ASSOCIATIONS))
        merger.college_map = {str(named[a].pk): colleges[i].pk for a, i in COLLEGE_OF.items()}
        merger.save(update_fields=["college_map", "updated_at"])
        # Each association: its own third of the firms plus a share of the others' (overlap).
        truth: dict[int, set[int]] = {}
        for index, association in enumerate(ASSOCIATIONS):
            own = firms[index::3]
            shared = [f for f in firms if f not in own and rng.random() < 0.15]
            members = own + shared
            rng.shuffle(members)
            truth[named[association].pk] = {f.pk for f in members}
            data = _file(rng, members, association)
            merging.read_member_file(
                merger=merger,
                association=named[association],
                filename=f"{association}.csv",
                data=data,
                by=None,
            )
        merging.find_duplicates(merger=merger, by=None)
        # The review: the staff knew their members; the demo decides with the generator's truth.
        by_name = {merging.normalise_name(f.name): f.pk for f in firms}
        for pair in merger.pairs.filter(decision=PairDecision.PENDING).select_related("left", "right"):
            same = by_name.get(merging.normalise_name(pair.left.name)) == by_name.get(
                merging.normalise_name(pair.right.name)
            )
            pair.decision = PairDecision.SAME if same else PairDecision.DIFFERENT
            pair.save(update_fields=["decision"])
        merging.apply_merger(merger=merger, by=None)
        _fees(rng, cluster)
        _money(cluster, named.get(FUNDER))
        _assembly(cluster, colleges)
    merger.refresh_from_db()
    return merger


def _fees(rng: random.Random, cluster: Organisation) -> None:
    for year in (2025, 2026):
        services.call_fees(cluster=cluster, year=year, by=None, due_on=dt.date(year, 3, 31), notify=False)
        payments = [
            services.PaymentFields(
                fee_call=call, amount=call.amount, paid_on=dt.date(year, rng.randint(2, 6), rng.randint(1, 28)),
                reference=f"DEMO-{year}-{call.pk}",
            )
            for call in FeeCall.objects.filter(membership__cluster=cluster, year=year, paid=0).order_by("pk")
            if rng.random() < (0.9 if year == 2025 else 0.6) and call.amount > 0
        ]  # fmt: skip
        services.record_payments(payments=payments, by=None)


def _money(cluster: Organisation, funder: Organisation | None) -> None:
    if funder is None:
        return
    line, created = FundingLine.objects.get_or_create(
        cluster=cluster, funder=funder, title="Fonctionnement et plan d'actions 2015", year=2015,
        defaults={
            "requested": Decimal("300000"), "requested_on": dt.date(2014, 9, 15),
            "conditions": "Versement après la fusion des trois associations en un cluster régional unique.",
        },
    )  # fmt: skip
    if created:
        services.update_funding(
            line=line,
            by=None,
            status=FundingStatus.GRANTED,
            granted=Decimal("250000"),
            on=dt.date(2014, 10, 20),
        )
        services.update_funding(
            line=line,
            by=None,
            status=FundingStatus.FROZEN,
            on=dt.date(2014, 10, 20),
            note="Gelée dans l'attente du regroupement",
        )
        services.update_funding(
            line=line,
            by=None,
            status=FundingStatus.PAID,
            on=dt.date(2015, 2, 10),
            note="Fusion réalisée le 1er janvier 2015",
        )
    current, created = FundingLine.objects.get_or_create(
        cluster=cluster, funder=funder, title="Animation de la filière 2026", year=2026,
        defaults={"requested": Decimal("180000"), "requested_on": dt.date(2025, 10, 1)},
    )  # fmt: skip
    if created:
        services.update_funding(
            line=current,
            by=None,
            status=FundingStatus.GRANTED,
            granted=Decimal("160000"),
            on=dt.date(2026, 1, 15),
        )
        services.update_funding(
            line=current,
            by=None,
            status=FundingStatus.GRANTED,
            paid=Decimal("80000"),
            on=dt.date(2026, 4, 1),
            note="Premier acompte",
        )
    today = timezone.localdate()
    for month in range(12):
        day = today.replace(day=1) - dt.timedelta(days=30 * month)
        for label, category, amount in (
            ("Salaires et charges", "personnel", "-18500"),
            ("Loyer Montpellier", "locaux", "-2100"),
            ("Cotisations reçues", "cotisations", "9000"),
        ):
            LedgerEntry.objects.get_or_create(
                cluster=cluster, reference=f"DEMO-{day:%Y-%m}-{category}",
                defaults={"date": day, "label": label, "category": category, "amount": Decimal(amount)},
            )  # fmt: skip
    LedgerEntry.objects.get_or_create(  # the cash carried over: without it the year reads as a loss
        cluster=cluster, reference="DEMO-REPORT",
        defaults={"date": today.replace(day=1) - dt.timedelta(days=365), "label": "Trésorerie reportée de l'exercice précédent", "category": "report", "amount": Decimal("95000")},
    )  # fmt: skip
    LedgerEntry.objects.get_or_create(
        cluster=cluster, reference="DEMO-SUBV-2026-1",
        defaults={"date": dt.date(2026, 4, 1), "label": "Subvention Région (acompte)", "category": "subvention", "amount": Decimal("80000")},
    )  # fmt: skip


def _assembly(cluster: Organisation, colleges: list[College]) -> None:
    body, _ = Body.objects.get_or_create(
        cluster=cluster, kind=BodyKind.ASSEMBLY, defaults={"name": "Assemblée générale"}
    )
    Body.objects.get_or_create(
        cluster=cluster, kind=BodyKind.BOARD, defaults={"name": "Conseil d'administration"}
    )
    meeting, created = Meeting.objects.get_or_create(
        body=body,
        starts_at=dt.datetime(2014, 11, 19, 17, 0, tzinfo=dt.UTC),
        defaults={
            "place": "Montpellier, Digiworld Summit",
            "agenda": "1. Fusion des trois associations\n2. Collèges et statuts",
        },
    )
    if not created:
        return
    meeting.minutes = (
        "Les trois associations approuvent la fusion au 1er janvier 2015 et les statuts du cluster."
    )
    meeting.minutes_published_at = meeting.starts_at + dt.timedelta(days=7)
    meeting.save(update_fields=["minutes", "minutes_published_at"])
    votes: dict[int | None, tuple[int, int, int]] = {
        colleges[0].pk: (14, 2, 1),
        colleges[1].pk: (21, 5, 3),
        colleges[2].pk: (9, 6, 2),
    }
    decision = Decision.objects.create(
        meeting=meeting, title="Fusion de MCC, Novae LR et PixLR", text=meeting.minutes
    )
    services.count_votes(decision=decision, counts=votes)
