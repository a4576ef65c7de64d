"""Setting a cluster up from its pages: colleges (statutes, admission rules, fee grid, officers) and
mergers (associations, date, college mapping), with the rights of each role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from filiere.governance import merger as merging
from filiere.governance import services
from filiere.governance.models import (
    CollegeRules,
    FeeBand,
    FeeBasis,
    FeeCall,
    FundingLine,
    FundingStatus,
    Membership,
    Merger,
    MergerStatus,
)
from filiere.governance.naf import naf_matches, normalise_naf
from filiere.governance.space import section
from filiere.organisations.models import College, Kind
from filiere.organisations.tests.factories import (
    EstablishmentFactory,
    OrganisationFactory,
    UserFactory,
)
from filiere.roadmaps.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def _status(client: Any, user: Any, url: str, method: str = "get", data: Any = None) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code


def _rules(college: College) -> CollegeRules:
    return CollegeRules.objects.get(college=college)


# --- Colleges ----------------------------------------------------------------------------------


def test_the_board_creates_a_college_with_its_statutes(client: Any, world: Any) -> None:
    url = reverse("governance:college_create", args=[world.cluster.pk])
    client.force_login(world.board)
    response = client.post(
        url, {"name": "Formation", "description": "Écoles", "board_seats": "2", "vote_weight": "1.5"}
    )
    college = College.objects.get(cluster=world.cluster, name="Formation")
    assert response.status_code == 302 and response.url == reverse(
        "governance:college_rules", args=[college.pk]
    )
    assert _rules(college).board_seats == 2 and _rules(college).vote_weight == Decimal("1.5")
    # Two colleges of one name: the error is on the name, nothing created.
    response = client.post(url, {"name": "cloud", "board_seats": "0", "vote_weight": "1"})
    assert response.status_code == 200
    assert "Ce cluster a déjà un collège de ce nom." in response.content.decode()
    assert College.objects.filter(cluster=world.cluster).count() == 3


def test_creating_and_editing_a_college_is_the_boards_alone(client: Any, world: Any) -> None:
    create = reverse("governance:college_create", args=[world.cluster.pk])
    edit = reverse("governance:college_edit", args=[world.cloud.pk])
    data = {"name": "Cloud souverain", "board_seats": "9", "vote_weight": "5"}
    for user in (world.officer, world.firm_editor, world.outsider):
        assert _status(client, user, create) == 403
        assert _status(client, user, edit, "post", data) == 403
    assert _status(client, None, create) == 302
    assert _status(client, None, edit) == 302
    world.cloud.refresh_from_db()
    assert world.cloud.name == "Cloud" and _rules(world.cloud).board_seats == 3
    assert _status(client, world.board, edit, "post", data) == 302
    world.cloud.refresh_from_db()
    assert world.cloud.name == "Cloud souverain" and _rules(world.cloud).vote_weight == Decimal("5")


def test_an_officer_sets_the_rules_of_their_college_only(client: Any, world: Any) -> None:
    own = reverse("governance:college_rules", args=[world.cloud.pk])
    other = reverse("governance:college_rules", args=[world.startups.pk])
    data = {
        "naf_prefixes": "j, 7112b",
        "headcount_bands": ["11", "12"],
        "kinds": [Kind.COMPANY],
        "approval_required": "on",
        "grace_days": "30",
    }
    assert _status(client, world.officer, own) == 200
    assert _status(client, world.officer, other) == 403
    assert _status(client, world.officer, other, "post", data) == 403
    assert _status(client, world.firm_editor, own) == 403  # a would-be member reads the rules elsewhere
    assert _status(client, None, own) == 302
    assert _status(client, world.officer, own, "post", data) == 302
    rules = _rules(world.cloud)
    assert rules.naf_prefixes == ["J", "71.12B"] and rules.headcount_bands == ["11", "12"]
    assert rules.kinds == [Kind.COMPANY] and rules.grace_days == 30 and not rules.accepts_people
    assert _rules(world.startups).naf_prefixes == []  # the other college untouched
    # The new rules decide the next application: section J admits 63.11Z, not retail.
    assert services.eligibility_errors(world.cloud, world.firm) == []
    shop = OrganisationFactory(naf_code="47.11A", headcount_band="12", kind=Kind.COMPANY)
    assert services.eligibility_errors(world.cloud, shop)


def test_a_wrong_naf_entry_is_named_and_nothing_saved(client: Any, world: Any) -> None:
    client.force_login(world.officer)
    response = client.post(
        reverse("governance:college_rules", args=[world.cloud.pk]),
        {"naf_prefixes": "62, informatique, Z", "grace_days": "60"},
    )
    assert response.status_code == 400
    assert "informatique, Z" in response.content.decode()
    assert _rules(world.cloud).naf_prefixes == ["62", "63"]


def test_naf_entries() -> None:
    assert normalise_naf(" j ") == "J" and normalise_naf("6201z") == "62.01Z" and normalise_naf("62") == "62"
    assert normalise_naf("62.0") == "62.0" and normalise_naf("Z") == "" and normalise_naf("6") == ""
    assert naf_matches("58.21Z", "J") and naf_matches("63.99Z", "J") and not naf_matches("64.19Z", "J")
    assert naf_matches("62.01Z", "62.01") and not naf_matches("", "J")


def test_the_fee_grid_refuses_overlaps_and_mixed_bases(client: Any, world: Any) -> None:
    url = reverse("governance:college_fees", args=[world.cloud.pk])
    client.force_login(world.officer)
    # The grid holds 0–9, 10–49 and 50–∞ (headcount).
    response = client.post(
        url, {"basis": FeeBasis.HEADCOUNT, "minimum": "40", "maximum": "60", "amount": "10"}
    )
    assert response.status_code == 400 and "chevauche la tranche 10 – 49" in response.content.decode()
    response = client.post(url, {"basis": FeeBasis.TURNOVER, "minimum": "0", "maximum": "", "amount": "10"})
    assert response.status_code == 400 and "établie sur : Effectif salarié" in response.content.decode()
    response = client.post(url, {"basis": FeeBasis.HEADCOUNT, "minimum": "9", "maximum": "3", "amount": "10"})
    assert response.status_code == 400 and "borne haute" in response.content.decode()
    assert world.cloud.fee_bands.count() == 3
    top = world.cloud.fee_bands.get(minimum=50)
    assert (
        _status(
            client,
            world.officer,
            reverse("governance:fee_band_delete", args=[world.cloud.pk, top.pk]),
            "post",
        )
        == 302
    )
    response = client.post(
        url, {"basis": FeeBasis.HEADCOUNT, "minimum": "50", "maximum": "249", "amount": "900"}
    )
    assert response.status_code == 302
    assert [(b.minimum, b.maximum, b.amount) for b in world.cloud.fee_bands.all()] == [
        (0, 9, Decimal("120")),
        (10, 49, Decimal("480")),
        (50, 249, Decimal("900")),
    ]


def test_the_fee_grid_shows_what_a_late_joiner_pays(client: Any, world: Any) -> None:
    client.force_login(world.board)
    url = reverse("governance:college_fees", args=[world.cloud.pk])
    html = client.get(url, {"value": "30", "joined_on": "2026-07-15"}).content.decode()
    # 480 € a year; joining in July pays six months (July included), as the fee call does.
    assert "Cotisation annuelle : 480,00 € ; la première année : 240,00 €." in html


def test_a_years_own_grid_replaces_the_standing_grid_that_year(client: Any, world: Any) -> None:
    url = reverse("governance:college_fees", args=[world.cloud.pk])
    client.force_login(world.officer)
    # The 2027 grid may cover what the standing grid covers: another year, another grid.
    data = {"year": "2027", "basis": FeeBasis.HEADCOUNT, "minimum": "0", "maximum": "", "amount": "999"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "minimum": "5", "amount": "1"}).status_code == 400  # overlaps 2027's
    html = client.get(url, {"value": "30", "joined_on": "2027-07-01"}).content.decode()
    assert "Cotisation annuelle : 999,00 € ; la première année : 499,50 €." in html
    membership = services.apply(college=world.cloud, organisation=world.firm, by=world.firm_editor)
    services.decide(membership=membership, by=world.officer, approve=True)
    Membership.objects.filter(pk=membership.pk).update(joined_on=dt.date(2020, 1, 1))
    for year in (2026, 2027, 2028):
        services.call_fees(cluster=world.cluster, year=year, by=world.board, notify=False)
    amounts = dict(FeeCall.objects.filter(membership=membership).values_list("year", "amount"))
    # 20–49 employees (INSEE band 12): 480 € on the standing grid, 999 € on 2027's own.
    assert amounts == {2026: Decimal("480"), 2027: Decimal("999"), 2028: Decimal("480")}


def test_fee_grid_rights(client: Any, world: Any) -> None:
    band = FeeBand.objects.filter(college=world.startups).get()
    fees = reverse("governance:college_fees", args=[world.startups.pk])
    delete = reverse("governance:fee_band_delete", args=[world.startups.pk, band.pk])
    data = {"basis": FeeBasis.TURNOVER, "minimum": "0", "maximum": "", "amount": "1"}
    for user in (world.officer, world.firm_editor, world.outsider):
        assert _status(client, user, fees) == 403
        assert _status(client, user, fees, "post", data) == 403
        assert _status(client, user, delete, "post") == 403
    assert _status(client, None, fees) == 302
    assert FeeBand.objects.filter(pk=band.pk).exists()
    # A band of another college is not this college's: nothing deleted.
    other = reverse("governance:fee_band_delete", args=[world.cloud.pk, band.pk])
    assert _status(client, world.officer, other, "post") == 302
    assert FeeBand.objects.filter(pk=band.pk).exists()


def test_the_board_names_and_removes_officers_by_email(client: Any, world: Any) -> None:
    url = reverse("governance:college_officers", args=[world.startups.pk])
    newcomer = UserFactory(email="Camille@Example.org")
    client.force_login(world.board)
    response = client.post(url, {"email": "nobody@example.org"})
    assert response.status_code == 400 and "nobody@example.org" in response.content.decode()
    assert client.post(url, {"email": "camille@example.org"}).status_code == 302
    assert list(_rules(world.startups).officers.all()) == [newcomer]
    response = client.post(url, {"email": "camille@example.org"})
    assert "déjà responsable" in response.content.decode()
    # The new officer manages that college now, and only it.
    assert _status(client, newcomer, reverse("governance:college", args=[world.startups.pk])) == 200
    assert _status(client, newcomer, reverse("governance:college_rules", args=[world.startups.pk])) == 200
    assert _status(client, newcomer, reverse("governance:college_rules", args=[world.cloud.pk])) == 403
    labels = [link.label for link in section(newcomer).links]  # type: ignore[union-attr]
    assert "Règles et cotisations : Start-ups & Entrepreneurs" in labels
    remove = reverse("governance:officer_remove", args=[world.startups.pk, newcomer.pk])
    assert _status(client, world.officer, remove, "post") == 403  # officers do not appoint
    assert _status(client, world.officer, url, "post", {"email": "officer@example.org"}) == 403
    assert _status(client, world.board, remove, "post") == 302
    assert not _rules(world.startups).officers.exists()
    assert _status(client, newcomer, reverse("governance:college_rules", args=[world.startups.pk])) == 403


def test_the_college_and_cluster_pages_link_the_setup_pages(client: Any, world: Any) -> None:
    client.force_login(world.officer)
    html = client.get(reverse("governance:college", args=[world.cloud.pk])).content.decode()
    assert reverse("governance:college_rules", args=[world.cloud.pk]) in html
    assert reverse("governance:college_fees", args=[world.cloud.pk]) in html
    assert reverse("governance:college_officers", args=[world.cloud.pk]) not in html  # the board's
    client.force_login(world.board)
    html = client.get(reverse("governance:cluster", args=[world.cluster.pk])).content.decode()
    for name in ("college_create", "merger_create"):
        assert reverse(f"governance:{name}", args=[world.cluster.pk]) in html
    assert reverse("governance:college_officers", args=[world.startups.pk]) in html
    labels = [link.url for link in section(world.board).links]  # type: ignore[union-attr]
    assert reverse("governance:college_create", args=[world.cluster.pk]) in labels
    assert reverse("governance:merger_create", args=[world.cluster.pk]) in labels


# --- Mergers -----------------------------------------------------------------------------------


@pytest.fixture
def associations(world: Any) -> list[Any]:
    found = []
    for name in ("Media Cloud Cluster", "Novae LR"):
        association = OrganisationFactory(name=name, kind=Kind.CLUSTER, siren=None)
        EstablishmentFactory(organisation=association, region_code="76", department_code="34", siret=None)
        found.append(association)
    return found


def test_the_board_prepares_a_merger_then_maps_colleges(
    client: Any, world: Any, associations: list[Any]
) -> None:
    mcc, novae = associations
    elsewhere = OrganisationFactory(name="Cluster breton", kind=Kind.CLUSTER, siren=None)
    EstablishmentFactory(organisation=elsewhere, region_code="53", department_code="35", siret=None)
    url = reverse("governance:merger_create", args=[world.cluster.pk])
    client.force_login(world.board)
    html = client.get(url).content.decode()
    assert "Media Cloud Cluster" in html and "Novae LR" in html
    assert "Cluster breton" not in html  # another region's
    assert f'value="{world.cluster.pk}"' not in html  # not into itself
    response = client.post(url, {"predecessors": [world.firm.pk], "effective_on": "2015-01-01"})
    assert response.status_code == 400 and not Merger.objects.exists()  # a firm is no association
    response = client.post(url, {"predecessors": [mcc.pk, novae.pk], "effective_on": "2015-01-01"})
    merger = Merger.objects.get(cluster=world.cluster)
    assert response.url == reverse("governance:merger_edit", args=[merger.pk])
    assert merger.status == MergerStatus.DRAFT and merger.effective_on == dt.date(2015, 1, 1)
    edit = reverse("governance:merger_edit", args=[merger.pk])
    html = client.get(edit).content.decode()
    assert "Collège des membres de Media Cloud Cluster" in html
    response = client.post(
        edit,
        {
            "predecessors": [mcc.pk, novae.pk],
            "effective_on": "2015-02-01",
            f"college_{mcc.pk}": world.cloud.pk,
            f"college_{novae.pk}": "",
        },
    )
    assert response.url == reverse("governance:merger", args=[merger.pk])
    merger.refresh_from_db()
    assert merger.college_map == {str(mcc.pk): world.cloud.pk} and merger.effective_on == dt.date(2015, 2, 1)
    html = client.get(response.url).content.decode()
    assert reverse("governance:merger_edit", args=[merger.pk]) in html
    assert "<td>Cloud</td>" in html  # the mapping shown next to each association's file
    # A college of another cluster is refused.
    other_college = College.objects.create(cluster=elsewhere, name="Autre")
    response = client.post(
        edit,
        {"predecessors": [mcc.pk], "effective_on": "2015-02-01", f"college_{mcc.pk}": other_college.pk},
    )
    assert response.status_code == 400
    merger.refresh_from_db()
    assert merger.college_map == {str(mcc.pk): world.cloud.pk}


def test_an_association_whose_file_was_read_stays_in_the_merger(
    client: Any, world: Any, associations: list[Any]
) -> None:
    mcc, novae = associations
    client.force_login(world.board)
    client.post(
        reverse("governance:merger_create", args=[world.cluster.pk]),
        {"predecessors": [mcc.pk, novae.pk], "effective_on": "2015-01-01"},
    )
    merger = Merger.objects.get()
    merging.read_member_file(
        merger=merger,
        association=mcc,
        filename="mcc.csv",
        data=b"nom;code postal\nNuage Sud;34000\n",
        by=world.board,
    )
    response = client.post(
        reverse("governance:merger_edit", args=[merger.pk]),
        {"predecessors": [novae.pk], "effective_on": "2015-01-01"},
    )
    assert response.status_code == 400 and "Media Cloud Cluster" in response.content.decode()
    assert set(merger.predecessors.all()) == {mcc, novae}


def test_merger_setup_rights(client: Any, world: Any, associations: list[Any]) -> None:
    create = reverse("governance:merger_create", args=[world.cluster.pk])
    data = {"predecessors": [a.pk for a in associations], "effective_on": "2015-01-01"}
    for user in (world.officer, world.firm_editor, world.outsider):
        assert _status(client, user, create) == 403
        assert _status(client, user, create, "post", data) == 403
    assert _status(client, None, create) == 302
    assert not Merger.objects.exists()
    merger = Merger.objects.create(cluster=world.cluster, effective_on=dt.date(2015, 1, 1))
    edit = reverse("governance:merger_edit", args=[merger.pk])
    for user in (world.officer, world.firm_editor, world.outsider):
        assert _status(client, user, edit) == 404  # a merger is the board's (hidden)
    assert _status(client, None, edit) == 302
    assert _status(client, world.board, edit) == 200
    merger.status = MergerStatus.DONE
    merger.save()
    assert _status(client, world.board, edit) == 302  # done: back to its page, nothing to change


# --- Roadmaps: an action's funding -------------------------------------------------------------


def test_a_roadmap_action_shows_its_funding_lines_against_its_spent_budget(client: Any, world: Any) -> None:
    action = ActionFactory(budget_planned=Decimal(50_000), budget_spent=Decimal(20_000))
    region = OrganisationFactory(name="Région Occitanie", kind=Kind.PUBLIC_BODY)
    common = {"cluster": world.cluster, "funder": region, "year": 2026, "action_id": action.pk}
    FundingLine.objects.create(title="FEDER", granted=Decimal(30_000), paid=Decimal(12_000), **common)
    FundingLine.objects.create(
        title="Refusée", granted=Decimal(99_000), status=FundingStatus.REFUSED, **common
    )
    html = client.get(reverse("roadmaps:action_detail", args=[action.pk])).content.decode()
    assert "30\u202f000 € · 20\u202f000 € consommés" in html  # the refused line is not money
    assert "12\u202f000 € (40 % de l'accordé)" in html
    assert "dépensés au-delà" not in html
