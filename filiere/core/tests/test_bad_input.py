"""Nonsense in query strings gets a page or a clear 4xx, never a server error (both databases)."""

import pytest

pytestmark = pytest.mark.django_db

BAD = [
    "/annuaire/?page=abc",
    "/annuaire/?page=-4",
    "/annuaire/?page=99999999999999999999",
    "/annuaire/?region=ZZZZZ",
    "/annuaire/?naf=%00",
    "/annuaire/?q=caf%00e&region=2%007",
    "/annuaire/?q=" + "x" * 5000,
    "/annuaire/?q=%22%27%3Cscript%3E",
    "/annuaire/?digital=maybe",
    "/annuaire/?per_page=-1",
    "/annuaire/export.csv?region=%ff",
    "/annuaire/export.xlsx?q=***",
    "/annuaire/export.pdf",
    "/annuaire/999999999999999999999/",
    "/api/organisations/search?page=0",
    "/api/organisations/search?per_page=100000",
    "/api/organisations/999999999999999999999",
    "/vitrine/?q=%00%01",
    "/vitrine/?capacity=-3&available_before=2020-13-45",
    "/vitrine/?region=%3Cb%3E",
    "/feuilles-de-route/0/",
    "/api/territories/communes?q=",
    "/api/territories/communes?q=" + "é" * 300,
    "/territoires/",
    "/api/roadmaps/plans/99999",
    "/api/events/events?organiser=83951343716995137536",
    "/api/events/events/83951343716995137536",
    "/evenements/83951343716995137536/",
]


@pytest.mark.parametrize("url", BAD)
def test_bad_params_never_500(client, url):
    r = client.get(url)
    assert r.status_code < 500, (url, r.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/api/territories/departments?region=2%007",
        "/api/territories/departments.geojson?region=%00",
        "/api/events/events?department=%00",
        "/api/events/events?theme=a%00b",
    ],
)
def test_a_null_character_in_an_api_filter_is_a_422_naming_the_field(client, url):
    r = client.get(url)
    assert r.status_code == 422
    field = url.split("?")[1].split("=")[0]
    assert [e["loc"][-1] for e in r.json()["detail"]] == [field]
