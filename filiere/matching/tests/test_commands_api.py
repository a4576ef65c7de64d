"""The rank and link-occupations commands, the API endpoints and the page."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from filiere.core.testing import assert_openapi_snapshot


def test_rank_command_lexical(taxonomy, tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_text(
        "\n".join(
            json.dumps(i, ensure_ascii=False)
            for i in [
                {"id": "a", "type": "firm", "text": "machine learning pour le rail"},
                {"id": "b", "type": "firm", "text": "boulangerie"},
                {"id": "c", "type": "course", "text": "machine learning"},
            ]
        ),
        encoding="utf-8",
    )
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        json.dumps({"id": "q1", "text": "apprentissage automatique", "target_type": "firm"}) + "\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command(
        "matching",
        "rank",
        "--items",
        str(items),
        "--queries",
        str(queries),
        "--top",
        "5",
        "--channels",
        "lexical,skills",
        stdout=out,
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines == [{"query_id": "q1", "ranking": ["a"]}]
    from filiere.matching.models import Document

    assert not Document.objects.exists()  # the temporary index was rolled back


def test_link_occupations_command(taxonomy, tmp_path):
    queries = tmp_path / "titles.tsv"
    queries.write_text("1\tDéveloppeur / Développeuse web\n2\tData scientist confirmé\n", encoding="utf-8")
    out = StringIO()
    call_command("link-occupations", str(queries), "--top", "2", "--lexical", stdout=out)
    rows = [line.split("\t") for line in out.getvalue().splitlines()]
    assert [r[:2] for r in rows] == [["1", "1"], ["1", "2"], ["2", "1"], ["2", "2"]]
    assert rows[0][2].startswith("http://data.europa.eu/esco/occupation/")
    assert float(rows[0][3]) >= float(rows[1][3])


def test_extract_api(taxonomy, client):
    response = client.post(
        "/api/matching/extract", {"text": "Expert <b>machine learning</b>"}, content_type="application/json"
    )
    assert response.status_code == 200
    skill = response.json()["skills"][0]
    assert skill["label"] == "apprentissage automatique" and skill["surface"] == "machine learning"
    assert (skill["start"], skill["end"]) == (10, 26)


def test_extract_api_bad_input_is_422(client):
    response = client.post("/api/matching/extract", {"text": "  "}, content_type="application/json")
    assert response.status_code == 422 and "vide" in response.json()["detail"]
    response = client.post("/api/matching/extract", {"text": "a\x00b"}, content_type="application/json")
    assert response.status_code == 422 and "binaire" in response.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"text": 123}, 422),
        ({"texte": "oubli du champ"}, 422),
        ({"text": "\x01\x02\x03\x04\x05\x06\x07\x08 données"}, 422),
        ({"text": "<script>alert('machine learning')</script><style>p{}</style>"}, 422),
    ],
)
def test_extract_api_refuses_nonsense_without_a_server_error(client, payload, status):
    response = client.post("/api/matching/extract", payload, content_type="application/json")
    assert response.status_code == status


def test_extract_api_script_content_is_not_analysed(taxonomy, client):
    text = "<script>var x = 'cybersécurité';</script>Expert machine learning"
    response = client.post("/api/matching/extract", {"text": text}, content_type="application/json")
    skills = response.json()["skills"]
    assert [s["label"] for s in skills] == ["apprentissage automatique"]
    assert text[skills[0]["start"] : skills[0]["end"]] == "machine learning"


def test_extract_api_truncates_huge_text(taxonomy, client):
    response = client.post(
        "/api/matching/extract", {"text": "cybersécurité " * 8000}, content_type="application/json"
    )
    body = response.json()
    assert response.status_code == 200 and body["truncated"] and "100 000" in body["message"]


def test_link_api(taxonomy, client):
    response = client.post(
        "/api/matching/link-occupations",
        {"title": "Data scientist confirmé", "top": 2},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert any(o["label"] == "scientifique des données" for o in response.json()["occupations"])
    assert (
        client.post(
            "/api/matching/link-occupations", {"title": ""}, content_type="application/json"
        ).status_code
        == 422
    )


def test_page_highlights_and_escapes(taxonomy, client):
    response = client.post("/correspondances/", {"text": "<img src=x onerror=alert(1)> machine learning"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<img src=x" not in html and "<mark" in html and "machine learning</mark>" in html


def test_page_bad_input_message(client):
    response = client.post("/correspondances/", {"text": ""})
    assert response.status_code == 200 and "vide" in response.content.decode()


SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_matching.json"


@pytest.mark.django_db
def test_openapi_snapshot(client):
    assert_openapi_snapshot(client, "/api/matching/", SNAPSHOT)
