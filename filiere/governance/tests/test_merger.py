"""The merger: member files read with a report by row, the same firm found across files, the
review of doubtful pairs, the history kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import tablib
from django.core.exceptions import ValidationError

from filiere.governance import merger as merging
from filiere.governance import selectors
from filiere.governance.models import (
    FeeCall,
    Membership,
    MembershipStatus,
    Merger,
    MergerRecord,
    PairDecision,
)
from filiere.organisations.models import Kind, Organisation
from filiere.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# Valid SIRENs (Luhn): 732829320, 552081317, 542065479.
MCC = (
    "siren;nom;adresse;code_postal;ville;adhesion;cotisation_2012;cotisation_2013\n"
    "732829320;Nuage Sud SAS;12 rue de la Paix;34000;Montpellier;15/01/2011;300;300\n"
    ";Datacentre Méditerranée;5 avenue du Port;34200;Sète;2012;150;\n"
    ";Atelier Pixel;3 place Jean Jaurès;34000;Montpellier;;;\n"
)
NOVAE = (
    "SIRET;Raison sociale;Adresse;CP;Ville;Adhésion;cotisation_2013\n"
    "73282932000074;NUAGE SUD;12 r. de la Paix;34000;Montpellier;01/03/2012;400\n"
    ";Datacentre Mediterranee SARL;5 av. du Port;34200;Sète;2013;200\n"
    "12345678901234;Mauvais SIRET;1 rue;34000;Montpellier;;\n"
    ";;sans nom;34000;Montpellier;;\n"
    ";Atelier Pixels;3 pl. Jean Jaurès;34000;Montpellier;32/13/2013;\n"
    ";Datacentre Mediterranee SARL;5 av. du Port;34200;Sète;2013;200\n"
)


@pytest.fixture
def merger(world: Any) -> Merger:
    merger = Merger.objects.create(cluster=world.cluster, effective_on=dt.date(2015, 1, 1))
    for name in ("Media Cloud Cluster", "Novae LR", "PixLR"):
        merger.predecessors.add(OrganisationFactory(name=name, kind=Kind.CLUSTER, siren=None))
    merger.college_map = {str(merger.predecessors.get(name="Media Cloud Cluster").pk): world.cloud.pk}
    merger.save()
    return merger


def _assoc(merger: Merger, name: str) -> Organisation:
    return merger.predecessors.get(name=name)


def test_a_broken_file_is_reported_by_row_and_its_valid_rows_kept(world: Any, merger: Merger) -> None:
    report = merging.read_member_file(
        merger=merger,
        association=_assoc(merger, "Novae LR"),
        filename="novae.csv",
        data=NOVAE.encode("cp1252"),
        by=world.board,
    )
    assert report.created == 2
    assert [(r.line, r.field) for r in report.rejections] == [
        (4, "siret"),
        (5, "nom"),
        (6, "adhésion"),
        (7, "nom"),
    ]
    assert "ligne 3" in report.rejections[-1].message
    assert report.warnings and report.warnings[0].field == "encodage"
    run = report.run
    assert run is not None
    assert run.status == "done" and len(run.rejections) == 4
    assert MergerRecord.objects.get(siren="732829320").name == "NUAGE SUD"
    # The corrected file: the rerun adds the fixed rows, changes nothing else.
    fixed = NOVAE.replace("32/13/2013", "01/02/2013").encode()
    again = merging.read_member_file(
        merger=merger,
        association=_assoc(merger, "Novae LR"),
        filename="novae.csv",
        data=fixed,
        by=world.board,
    )
    assert (again.created, again.unchanged) == (1, 2)


def test_xlsx_files_are_read_too(world: Any, merger: Merger) -> None:
    rows = [line.split(";") for line in MCC.strip().split("\n")]
    book = tablib.Dataset(*rows[1:], headers=rows[0])
    data = book.export("xlsx")
    report = merging.read_member_file(
        merger=merger,
        association=_assoc(merger, "Media Cloud Cluster"),
        filename="mcc.xlsx",
        data=data,
        by=world.board,
    )
    assert report.created == 3 and not report.rejections


def _load_both(world: Any, merger: Merger) -> None:
    merging.read_member_file(
        merger=merger,
        association=_assoc(merger, "Media Cloud Cluster"),
        filename="mcc.csv",
        data=MCC.encode(),
        by=world.board,
    )
    merging.read_member_file(
        merger=merger,
        association=_assoc(merger, "Novae LR"),
        filename="novae.csv",
        data=NOVAE.encode(),
        by=world.board,
    )


def test_same_firm_found_by_siren_then_name_and_doubtful_pairs_wait(world: Any, merger: Merger) -> None:
    _load_both(world, merger)
    counts = merging.find_duplicates(merger=merger, by=world.board)
    records = {(r.association.name, r.name): r for r in merger.records.select_related("association")}
    nuage = {
        records[("Media Cloud Cluster", "Nuage Sud SAS")].entity,
        records[("Novae LR", "NUAGE SUD")].entity,
    }
    assert len(nuage) == 1  # one SIREN
    datacentre = {
        records[("Media Cloud Cluster", "Datacentre Méditerranée")].entity,
        records[("Novae LR", "Datacentre Mediterranee SARL")].entity,
    }
    assert len(datacentre) == 1  # accents and legal form dropped, same postcode
    assert counts["firms"] == 3  # Atelier Pixel, alone (the Novae line had a bad date)
    assert counts["doubtful"] == 0


def test_merger_waits_for_review_then_keeps_every_former_membership_and_fee(
    world: Any, merger: Merger
) -> None:
    _load_both(world, merger)
    pix = (
        "nom;adresse;code_postal;ville;adhesion;cotisation_2014\n"
        "Atelier Pixels Studio;3 place Jean Jaurès;34000;Montpellier;2014;80\n"
    )
    merging.read_member_file(
        merger=merger,
        association=_assoc(merger, "PixLR"),
        filename="pix.csv",
        data=pix.encode(),
        by=world.board,
    )
    counts = merging.find_duplicates(merger=merger, by=world.board)
    assert counts["doubtful"] == 1
    with pytest.raises(ValidationError):
        merging.apply_merger(merger=merger, by=world.board)
    assert not Membership.objects.filter(cluster=world.cluster).exists()  # nothing half-merged
    pair = merger.pairs.get(decision=PairDecision.PENDING)
    merging.decide_pair(pair=pair, by=world.board, same=True)
    result = merging.apply_merger(merger=merger, by=world.board)
    assert result == {"firms": 3, "former_memberships": 6, "fee_calls": 6}
    nuage = Organisation.objects.get(siren="732829320")
    current = Membership.objects.get(cluster=world.cluster, organisation=nuage)
    assert current.status == MembershipStatus.ACTIVE and current.college == world.cloud
    assert current.joined_on == dt.date(2011, 1, 15)  # the earliest of its former memberships
    assert sorted(m.cluster.name for m in current.former_memberships.all()) == [
        "Media Cloud Cluster",
        "Novae LR",
    ]
    paid = sum(c.paid for c in FeeCall.objects.filter(membership__merged_into=current))
    assert paid == Decimal("1000")
    assert {o.name for o in selectors.predecessors(world.cluster)} == {
        "Media Cloud Cluster",
        "Novae LR",
        "PixLR",
    }
    assert selectors.history(world.cluster).count() == 9
    by_year = {r["year"]: r["members"] for r in selectors.members_by_year(world.cluster, range(2011, 2016))}
    assert by_year[2011] == 1 and by_year[2012] == 2 and by_year[2015] == 3
    with pytest.raises(ValidationError):
        merging.apply_merger(merger=merger, by=world.board)


def test_two_sirens_are_two_firms_whatever_their_names(world: Any) -> None:
    records = [
        {
            "id": 1,
            "siren": "732829320",
            "name": "Alpha",
            "address": "",
            "postcode": "34000",
            "association": 1,
        },
        {
            "id": 2,
            "siren": "552081317",
            "name": "Alpha",
            "address": "",
            "postcode": "34000",
            "association": 2,
        },
    ]
    entities, doubtful = merging.match_records(records, {})
    assert entities[1] != entities[2] and not doubtful


def test_normalised_names() -> None:
    assert merging.normalise_name("Société Générale d'Études S.A.S.") == merging.normalise_name(
        "GENERALE D ETUDES"
    )
    assert merging.luhn_ok("732829320") and not merging.luhn_ok("732829321")


def _record(id_: int, name: str, address: str, postcode: str, association: int) -> dict[str, Any]:
    return {
        "id": id_,
        "siren": "",
        "name": name,
        "address": address,
        "postcode": postcode,
        "association": association,
    }


def test_one_name_at_two_postcodes_is_doubtful_only_at_the_same_address() -> None:
    records = [
        _record(1, "Octet Signal", "12 rue Foch", "34000", 1),
        _record(2, "OCTET SIGNAL SARL", "12 r. Foch", "34080", 2),  # a mistyped postcode
        _record(3, "Octet Signal", "140 avenue de la Gare", "30000", 3),  # another firm, in Nîmes
        _record(4, "Octet Signal", "", "11000", 2),  # no address: a person decides
    ]
    entities, doubtful = merging.match_records(records, {})
    assert len(set(entities.values())) == 4  # nothing joined without a person
    assert sorted((a, b) for a, b, _score, _reason in doubtful) == [(1, 2), (1, 4), (3, 4)]
    assert {reason for *_ids, reason in doubtful} == {"Même nom à la même adresse, code postal différent"}
