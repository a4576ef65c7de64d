"""Pages: who sees what (404 hidden, 403 not allowed), the journey's pages in French and English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from filiere.governance import services
from filiere.governance.models import FeeCall, FundingLine, Merger, Payment
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(world: Any) -> Payment:
    membership = services.apply(
        college=world.cloud, organisation=world.firm, by=world.firm_editor, headcount=3
    )
    services.decide(membership=membership, by=world.officer, approve=True)
    services.call_fees(cluster=world.cluster, year=2026, by=world.board, notify=False)
    call = FeeCall.objects.get(membership=membership)
    return services.record_payment(
        fee_call=call, amount=Decimal("120"), paid_on=dt.date(2026, 2, 1), by=world.board
    )


def _status(client: Any, user: Any, url: str, method: str = "get", data: Any = None) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code


def test_membership_page_and_receipt_per_role(client: Any, world: Any, paid: Payment) -> None:
    page = reverse("governance:membership", args=[paid.fee_call.membership_id])
    receipt = reverse("governance:receipt", args=[paid.pk])
    for user, expected in [
        (world.firm_member, 200),
        (world.officer, 200),
        (world.board, 200),
        (world.outsider, 404),
    ]:
        assert _status(client, user, page) == expected
        assert _status(client, user, receipt) == expected
    client.force_login(world.firm_member)
    response = client.get(receipt)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert _status(client, None, page) == 302


def test_cluster_board_page_and_export(client: Any, world: Any, paid: Payment) -> None:
    url = reverse("governance:cluster", args=[world.cluster.pk])
    assert _status(client, world.firm_editor, url) == 403
    assert _status(client, world.officer, url) == 403
    client.force_login(world.board)
    response = client.get(url)
    assert response.status_code == 200 and "Cloud" in response.content.decode()
    export = client.get(reverse("governance:export", args=[world.cluster.pk, "csv"]))
    assert "Nuage Sud SAS" in export.content.decode()
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200


def test_college_page_for_officers_and_board_only(client: Any, world: Any) -> None:
    url = reverse("governance:college", args=[world.cloud.pk])
    assert _status(client, world.officer, url) == 200
    assert _status(client, world.board, url) == 200
    assert _status(client, world.firm_editor, url) == 404


def test_funder_sees_its_line_only(client: Any, world: Any) -> None:
    region = OrganisationFactory(name="Région", kind=Kind.PUBLIC_BODY)
    funder_staff = MembershipFactory(organisation=region).user
    line = FundingLine.objects.create(cluster=world.cluster, funder=region, title="Plan d'actions", year=2026)
    url = reverse("governance:funding", args=[line.pk])
    assert _status(client, funder_staff, url) == 200
    assert _status(client, funder_staff, url, "post", {"status": "paid"}) == 403
    assert _status(client, world.firm_editor, url) == 404
    assert _status(client, world.board, url, "post", {"status": "frozen", "note": "fusion"}) == 302
    line.refresh_from_db()
    assert line.status == "frozen"


def test_public_register_needs_no_account(client: Any, world: Any) -> None:
    assert _status(client, None, reverse("governance:register", args=[world.cluster.pk])) == 200


def test_apply_page_creates_a_pending_membership(client: Any, world: Any) -> None:
    client.force_login(world.firm_editor)
    url = reverse("governance:apply", args=[world.cluster.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"college": world.cloud.pk, "organisation": world.firm.pk, "headcount": "4"})
    assert response.status_code == 302
    assert world.firm.governance_memberships.get().status == "pending"


def test_merger_upload_shows_rejections_by_line(client: Any, world: Any) -> None:
    merger = Merger.objects.create(cluster=world.cluster, effective_on=dt.date(2015, 1, 1))
    pix = OrganisationFactory(name="PixLR", kind=Kind.CLUSTER, siren=None)
    merger.predecessors.add(pix)
    assert _status(client, world.firm_editor, reverse("governance:merger", args=[merger.pk])) == 404
    client.force_login(world.board)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("pix.csv", b"nom;siren\nStudio A;123\nStudio B;\n")
    response = client.post(
        reverse("governance:merger_upload", args=[merger.pk]),
        {"association": pix.pk, "fichier": upload},
        follow=True,
    )
    text = response.content.decode()
    assert "Ligne 2, siren" in text and "1 ajoutées" in text
