"""The gap table: demand − supply on a small hand-built case, filters, and exports equal to the page."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from filiere.needs import selectors
from filiere.needs.models import NeedKind
from filiere.training.tests.factories import CourseFactory, SessionFactory

from .factories import (
    AnswerFactory,
    CampaignFactory,
    InvitationFactory,
    NeedLineFactory,
    RegionalRoleFactory,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(bfc, skills):
    """Two answering companies (Côte-d'Or, Doubs) and a training offer in Côte-d'Or + at distance.

    Demand: software 10 people within 6 months + 5 people in 2–3 years in Côte-d'Or (10 + 5 × 0.4
    = 12), cybersecurity 4 people within a year in Doubs. Supply: a Python course in Dijon with
    6 places, a distance cybersecurity course with 3 places, a Python course in another region.
    """
    campaign = CampaignFactory(public=True)
    dijon = AnswerFactory(
        invitation=InvitationFactory(campaign=campaign, department_code="21", answered=True)
    )
    besancon = AnswerFactory(
        invitation=InvitationFactory(campaign=campaign, department_code="25", answered=True)
    )
    python = skills["python"]
    NeedLineFactory(
        answer=dijon, kind=NeedKind.SKILL, skill=python, label=python.label, family="software", people=10
    )
    NeedLineFactory(answer=dijon, text="développeur web", family="software", people=5, horizon="2-3y")
    NeedLineFactory(
        answer=besancon, text="cybersécurité", family="cyber", people=4, horizon="1y", difficulty=4
    )
    SessionFactory(course=CourseFactory(skills=[python]), department_code="21", region_code="27", places=6)
    SessionFactory(course=CourseFactory(skills=[skills["cyber"]]), distance=True, region_code="27", places=3)
    SessionFactory(course=CourseFactory(skills=[python]), department_code="67", region_code="44", places=50)
    return campaign


def test_gap_is_demand_minus_supply_largest_first(case):
    table = selectors.gap_table(selectors.GapFilters(campaign=case))
    rows = [(r.family, r.department_code, r.people, r.demand, r.supply, r.gap) for r in table.rows]
    assert rows == [
        ("software", "21", 15, 12.0, 6, 6.0),
        ("cyber", "25", 4, 4.0, 0, 4.0),
    ]
    # Every department of the region is on the map (0 where nothing is missing); the real
    # territories may be loaded for the session, so only the departments with a gap are listed.
    assert {code: gap for code, gap in table.by_department.items() if gap} == {"21": 6.0, "25": 4.0}
    assert table.by_department["71"] == 0.0
    # Region-wide, the distance-learning places count: cyber 4 − 3 = 1.
    assert [(r.family, r.supply, r.gap) for r in table.by_family] == [("software", 6, 6.0), ("cyber", 3, 1.0)]
    assert (table.total_demand, table.total_supply, table.distance_supply) == (16.0, 9, 3)


def test_gap_filters_by_horizon_and_department(case):
    short = selectors.gap_table(selectors.GapFilters(campaign=case, horizons=("6m",)))
    assert [(r.family, r.department_code, r.demand, r.gap) for r in short.rows] == [
        ("software", "21", 10.0, 4.0)
    ]
    doubs = selectors.gap_table(selectors.GapFilters(campaign=case, department="25"))
    assert [(r.family, r.gap) for r in doubs.rows] == [("cyber", 4.0)]
    assert doubs.by_department == {"25": 4.0} and doubs.distance_supply == 0


def test_supply_without_demand_shows_as_a_surplus(bfc, skills):
    campaign = CampaignFactory()
    SessionFactory(course=CourseFactory(skills=[skills["project"]]), department_code="71", places=8)
    table = selectors.gap_table(selectors.GapFilters(campaign=campaign))
    assert [(r.family, r.department_code, r.gap) for r in table.rows] == [("project", "71", -8.0)]


def _page_numbers(html: str) -> list[tuple[str, str]]:
    """(department code, gap) of each row of the page's main gap table."""
    body = html.split('id="gap-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"\((\d\d)\)</td>.*?<td class=\"num[^\"]*\">\+?(-?[\d,]+)</td></tr>", body, re.S)
    return [(code, value.replace(",", ".")) for code, value in rows]


def test_exports_hold_the_same_numbers_as_the_page(client, case):
    page = client.get("/besoins/ecarts/", {"campaign": case.pk})
    assert page.status_code == 200
    shown = _page_numbers(page.content.decode())
    assert shown == [("21", "6"), ("25", "4")]

    response = client.get("/besoins/ecarts/", {"campaign": case.pk, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "Écart (demande − offre)"
    assert [(r[1], r[-1]) for r in rows[1:]] == [("21", "6.0"), ("25", "4.0")]
    assert [r[4:7] for r in rows[1:]] == [["15", "12.0", "6"], ["4", "4.0", "0"]]

    response = client.get("/besoins/ecarts/", {"campaign": case.pk, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [(r[1], r[-1]) for r in values] == [("21", 6.0), ("25", 4.0)]

    response = client.get("/besoins/ecarts/", {"campaign": case.pk, "format": "ods"})
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response.content[:2] == b"PK"


def test_gap_page_map_and_its_table(client, case):
    html = client.get("/besoins/ecarts/", {"campaign": case.pk}).content.decode()
    assert 'class="choropleth"' in html and 'data-code="21"' in html
    table = html.split('id="gap-by-department"', 1)[1].split("</table>", 1)[0]
    assert "Côte-d&#x27;Or (21)" in table and "+6" in table


def test_gap_page_of_a_private_campaign_is_hidden_from_others(client, bfc):
    campaign = CampaignFactory()  # results not public
    assert client.get("/besoins/ecarts/", {"campaign": campaign.pk}).status_code == 404
    other_region_admin = RegionalRoleFactory(region=region("44")).user
    client.force_login(other_region_admin)
    assert client.get("/besoins/ecarts/", {"campaign": campaign.pk}).status_code == 404
    client.force_login(RegionalRoleFactory(region=region("27")).user)
    assert client.get("/besoins/ecarts/", {"campaign": campaign.pk}).status_code == 200


def test_gap_page_nonsense_filters_are_ignored_not_500(client, case):
    response = client.get(
        "/besoins/ecarts/", {"campaign": case.pk, "department": "<script>", "horizon": "42"}
    )
    assert response.status_code == 200
    assert "Filtres invalides ignorés." in response.content.decode()
    assert client.get("/besoins/ecarts/", {"campaign": "abc\x00"}).status_code == 404


def test_htmx_filter_returns_only_the_results_partial(client, case):
    response = client.get(
        "/besoins/ecarts/", {"campaign": case.pk, "horizon": "6m"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="gap-table"' in html
    assert "+4" in html.split('id="gap-table"', 1)[1]  # software in Côte-d'Or: 10 − 6


def test_a_session_offers_its_places_once_to_each_family_it_teaches(bfc, skills):
    """A course teaching two skills of one family: its 10 places count 10 for that family, not 20."""
    from filiere.taxonomy.models import Skill

    agile = Skill.objects.create(label="méthodes agiles de conduite de projet", kind="local")
    campaign = CampaignFactory()
    course = CourseFactory(skills=[skills["project"], agile])
    SessionFactory(course=course, department_code="71", places=10)
    table = selectors.gap_table(selectors.GapFilters(campaign=campaign))
    assert [(r.family, r.department_code, r.supply) for r in table.rows] == [("project", "71", 10)]


@pytest.mark.parametrize("value", ["²", "1²", "99999999999999999999999", "abc", "-1"])
def test_nonsense_campaign_is_404(client, case, value):
    assert client.get("/besoins/ecarts/", {"campaign": value}).status_code == 404
