"""Nonsense in addresses, query strings and forms gets a 400, a 404 or a form error, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .factories import DeclarationFactory, cluster_staff, editor_of, make_firm

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.fixture
def firm(skills):
    return make_firm("Capitole Data", skills=[skills["python"]])


@pytest.mark.parametrize("page", [HUGE, "99999999999999999", "²", "-5", "abc"])
def test_search_page_numbers(client, firm, page):
    assert client.get(reverse("showcase:search"), {"page": page}).status_code == 200
    assert client.get(reverse("showcase:search"), {"page": page, "q": "python"}).status_code == 200


@pytest.mark.parametrize("page", [HUGE, "99999999999999999", "-5"])
def test_api_search_page_numbers(client, firm, page):
    assert client.get("/api/showcase/search", {"page": page}).status_code in (200, 422)


@pytest.mark.parametrize("org_id", ["99999999999999999999", "9223372036854775808"])
def test_huge_ids(client, firm, org_id):
    assert client.get(f"/vitrine/{org_id}/").status_code == 404
    assert client.get(f"/vitrine/{org_id}/transferabilite/").status_code == 404
    assert client.get(f"/api/showcase/firms/{org_id}").status_code in (404, 422)
    assert client.get(f"/api/showcase/firms/{org_id}/transferability").status_code in (404, 422)


@pytest.mark.parametrize("value", ["abc", HUGE, "²", "-1"])
def test_editor_removals_with_nonsense_ids(client, firm, value):
    client.force_login(editor_of(firm))
    for action in ("remove_declaration", "remove_reference"):
        response = client.post(reverse("showcase:edit", args=[firm.pk]), {"action": action, "id": value})
        assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", HUGE, "²"])
def test_validation_with_nonsense_ids(client, firm, value):
    DeclarationFactory(organisation=firm)
    client.force_login(cluster_staff(firm))
    response = client.post(reverse("showcase:validation"), {"id": value, "decision": "validate"})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", HUGE, "²"])
def test_saved_search_deletion_with_nonsense_ids(client, firm, value):
    client.force_login(editor_of(firm))
    assert client.post(reverse("showcase:saved_searches"), {"id": value}).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"frequency": "hourly", "name": "x"},
        {"frequency": "weekly", "name": "x" * 500},
        {"frequency": "weekly", "name": "ok", "min_capacity": "abc", "region": "²", "page": HUGE},
        {"frequency": "weekly", "name": "ok", "q": "x" * 5000},
    ],
)
def test_save_search_with_nonsense(client, firm, data):
    client.force_login(editor_of(firm))
    response = client.post(reverse("showcase:save_search"), data, follow=True)
    assert response.status_code == 200
