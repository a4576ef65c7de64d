"""What a SIRENE update changed: closures, moves, new NAF codes, new digital establishments, per
territory and per cluster's members; the page and the digest mail to cluster staff."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from filiere.accounts.models import Membership, Role
from filiere.core.models import ImportRun
from filiere.observatory.changes import changes_for, counts_by_territory, record_changes, send_change_digests
from filiere.observatory.models import ChangeKind, ChangeRun, DirectoryChange
from filiere.observatory.tasks import recompute_after_import
from filiere.organisations.models import Kind, Relation, RelationKind
from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _firm(
    name, *, region="27", department="21", commune="21231", naf="62.01Z", digital=True, diffusible=True
):
    organisation = OrganisationFactory(name=name, naf_code=naf, is_digital=digital, is_diffusible=diffusible)
    return EstablishmentFactory(
        organisation=organisation,
        region_code=region,
        department_code=department,
        commune_code=commune,
        naf_code=naf,
        is_digital=digital,
        state="A",
    )


@pytest.fixture
def directory():
    firms = {
        "closing": _firm("Datalis Conseil"),
        "moving": _firm("Pixel Studio", region="76", department="31", commune="31555"),
        "renamed": _firm("Mécanique Dupont", naf="28.11Z", digital=False),
        "quiet": _firm("Sans Histoire"),
        "secret": _firm("Cachée", diffusible=False),
    }
    first = record_changes()
    assert first.baseline and first.changes == 0 and first.establishments == 5
    return firms


def _update(directory):
    closing, moving, renamed, secret = (directory[k] for k in ("closing", "moving", "renamed", "secret"))
    closing.state = "F"
    closing.save()
    moving.commune_code = "31069"  # Toulouse → Blagnac
    moving.save()
    renamed.naf_code, renamed.is_digital = "62.02A", True
    renamed.save()
    secret.state = "F"
    secret.save()
    return _firm("Nouvelle ESN", region="76", department="34", commune="34172")


def test_a_second_run_finds_each_kind_of_change(directory):
    _update(directory)
    run = record_changes()

    found = {(c.kind, c.siret): (c.before, c.after) for c in DirectoryChange.objects.filter(run=run)}
    d = directory
    assert found[(ChangeKind.CLOSURE, d["closing"].siret)] == ("A", "F")
    assert found[(ChangeKind.MOVE, d["moving"].siret)] == ("31555", "31069")
    assert found[(ChangeKind.NAF, d["renamed"].siret)] == ("28.11Z", "62.02A")
    assert (ChangeKind.NEW_DIGITAL, d["renamed"].siret) in found  # its new code is digital
    assert sum(kind == ChangeKind.NEW_DIGITAL for kind, _ in found) == 2  # and the new SIRET
    assert not any(siret == d["quiet"].siret for _, siret in found)
    assert DirectoryChange.objects.get(run=run, siret=d["secret"].siret).name == ""  # not diffusible
    assert run.changes == 6 and not run.baseline

    again = record_changes()
    assert again.changes == 0  # the states were brought up to date


def test_counts_per_region_and_department(directory):
    _update(directory)
    run = record_changes()

    by_region = dict(counts_by_territory(changes_for(run)))
    assert by_region["27"][ChangeKind.CLOSURE] == 2 and by_region["76"][ChangeKind.MOVE] == 1
    by_department = dict(counts_by_territory(changes_for(run, region="76"), region="76"))
    assert by_department["34"][ChangeKind.NEW_DIGITAL] == 1 and by_department["31"][ChangeKind.MOVE] == 1


def _cluster_with_staff(directory):
    cluster = OrganisationFactory(name="BFC numérique", kind=Kind.CLUSTER)
    for key in ("closing", "quiet"):
        Relation.objects.create(
            source=directory[key].organisation, target=cluster, kind=RelationKind.MEMBER_OF
        )
    editor = UserFactory(username="animatrice", email="animatrice@cluster.example")
    Membership.objects.create(user=editor, organisation=cluster, role=Role.EDITOR)
    member = UserFactory(username="simple-membre", email="membre@cluster.example")
    Membership.objects.create(user=member, organisation=cluster, role=Role.MEMBER)
    return cluster


def test_cluster_staff_get_a_digest_of_their_members_changes(directory, django_capture_on_commit_callbacks):
    cluster = _cluster_with_staff(directory)
    _update(directory)
    run = record_changes()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_change_digests(run) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["animatrice@cluster.example"]  # staff only, not plain members
    assert "Datalis Conseil" in message.body and "Fermeture" in message.body
    assert "Pixel Studio" not in message.body  # not a member
    assert f"groupement={cluster.pk}" in message.body
    assert ChangeRun.objects.get(pk=run.pk).recipients == 1


def test_the_page_per_territory_and_per_cluster(client, directory):
    cluster = _cluster_with_staff(directory)
    _update(directory)
    run = record_changes()

    page = client.get("/observatoire/changements/").content.decode()
    assert "Datalis Conseil" in page and "Nouvelle ESN" in page and "Cachée" not in page
    assert "non diffusible" in page
    page = client.get("/observatoire/changements/", {"region": "76"}).content.decode()
    assert "Nouvelle ESN" in page and "Datalis Conseil" not in page
    page = client.get(
        "/observatoire/changements/", {"groupement": cluster.pk, "run": run.pk}
    ).content.decode()
    assert "Datalis Conseil" in page and "Pixel Studio" not in page
    assert client.get("/observatoire/changements/", {"run": "999999"}).status_code == 404
    assert client.get("/observatoire/changements/", {"groupement": "abc"}).status_code == 404


def test_the_page_before_any_comparison(client):
    page = client.get("/observatoire/changements/").content.decode()
    assert "Aucune comparaison pour l'instant" in page or "Aucune comparaison pour l&#x27;instant" in page


def test_the_task_after_an_import_records_the_changes(directory, reference_territories):
    _update(directory)
    ImportRun.objects.create(kind="sirene_etablissement", finished_at=timezone.now(), status="done")

    recompute_after_import.enqueue()  # immediate backend in tests

    run = ChangeRun.objects.first()
    assert run.import_run is not None and run.changes == 6


def test_the_api_serves_the_page_s_report(client, directory):
    cluster = _cluster_with_staff(directory)
    _update(directory)
    run = record_changes()

    data = client.get("/api/observatory/changes", {"region": "76"}).json()
    assert data["run_id"] == run.pk and data["establishments"] == 6
    assert {t["code"]: t["counts"]["new_digital"] for t in data["territories"]} == {"31": 0, "34": 1}
    assert {c["name"] for c in data["changes"]} == {"Pixel Studio", "Nouvelle ESN"}
    members = client.get("/api/observatory/changes", {"groupement": cluster.pk}).json()
    assert [c["name"] for c in members["changes"]] == ["Datalis Conseil"]
    assert client.get("/api/observatory/changes", {"groupement": "abc"}).status_code == 404
