"""Directory pages: search page (full and HTMX partial), organisation page, exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from filiere.organisations import exports
from filiere.organisations.models import Kind, RelationKind

from .factories import CollegeFactory, EstablishmentFactory, OrganisationFactory, RelationFactory

pytestmark = pytest.mark.django_db


def test_search_page_full(client, territories):
    EstablishmentFactory(organisation__name="Cité Numérique", sign="La Cité")
    EstablishmentFactory(organisation__name="Boulangerie Martin", closed=True, organisation__is_digital=False)
    EstablishmentFactory(organisation__name="Démo SAS", generated=True)
    response = client.get(reverse("organisations:search"), {"q": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and 'id="directory-form"' in body
    assert "3 résultats" in body
    assert "Cité Numérique" in body and "(La Cité)" in body
    assert "Dijon · Côte-d&#x27;Or (21)" in body
    assert "Programmation informatique" in body
    assert "10 à 19 salariés" in body
    assert 'class="badge closed"' in body and 'class="badge generated"' in body
    assert (
        reverse(
            "organisations:detail",
            args=[OrganisationFactory._meta.model.objects.get(name="Cité Numérique").pk],
        )
        in body
    )
    assert 'name="region" value="27"' in body


def test_search_page_htmx_returns_the_partial(client):
    EstablishmentFactory(organisation__name="Cité Numérique")
    response = client.get(reverse("organisations:search"), {"q": "cite"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and 'id="directory-form"' not in body
    assert "1 résultat" in body and "Cité Numérique" in body


def test_search_page_filters_from_query_string(client, territories):
    EstablishmentFactory(organisation__name="Dijon Data")
    EstablishmentFactory(organisation__name="Montpellier Web", region_code="76", department_code="34")
    body = client.get(reverse("organisations:search"), {"region": "76"}).content.decode()
    assert "Montpellier Web" in body and "Dijon Data" not in body
    assert 'name="region" value="76" checked' in body


def test_search_page_paginates_with_filters_kept(client):
    for i in range(25):
        EstablishmentFactory(organisation__name=f"Entreprise {i:02d}")
    body = client.get(reverse("organisations:search"), {"q": "entreprise", "page": 2}).content.decode()
    assert "Entreprise 20" in body and "Entreprise 19" not in body
    assert 'href="?q=entreprise&amp;page=1"' in body
    assert "Page 2 sur 2" in body


def test_search_page_counts_exactly_beyond_the_facet_limit(client, settings):
    settings.DIRECTORY_FACET_LIMIT = 2
    for i in range(3):
        EstablishmentFactory(organisation__name=f"Entreprise {i}")
    body = client.get(reverse("organisations:search"), {"q": ""}).content.decode()
    assert "3 résultats" in body and "Plus de" not in body


def test_search_page_honest_about_capped_counts(client, settings, monkeypatch):
    from filiere.organisations import selectors

    monkeypatch.setattr(selectors.directory, "exact_counts", lambda *args, **kwargs: None)  # out of time
    settings.DIRECTORY_FACET_LIMIT = 2
    for i in range(3):
        EstablishmentFactory(organisation__name=f"Entreprise {i}")
    body = client.get(reverse("organisations:search"), {"q": ""}).content.decode()
    assert "Plus de 2 résultats" in body
    assert "comptes calculés sur les 2 premiers résultats." in body


def _default_sample():
    EstablishmentFactory(organisation__name="Dijon Data", organisation__is_digital=True)
    EstablishmentFactory(
        organisation__name="Montpellier Web",
        organisation__is_digital=True,
        region_code="76",
        department_code="34",
    )
    EstablishmentFactory(organisation__name="Bijouterie fermée", closed=True, organisation__is_digital=True)
    EstablishmentFactory(organisation__name="Boulangerie", organisation__is_digital=False)


def test_default_view_shows_active_digital_establishments_of_france(client, territories):
    _default_sample()
    body = client.get(reverse("organisations:search")).content.decode()
    assert "Dijon Data" in body and "Montpellier Web" in body
    assert "Bijouterie fermée" not in body and "Boulangerie" not in body
    assert 'id="default-view"' in body and "secteur numérique en France" in body
    assert 'name="state" value="A" checked' in body and 'name="digital" value="1" checked' in body
    # Ticking nothing is a search of the whole directory.
    whole = client.get(reverse("organisations:search"), {"q": ""}).content.decode()
    assert "Bijouterie fermée" in whole and 'id="default-view"' not in whole


def test_default_view_of_a_regional_admin_is_their_region(client, territories):
    from filiere.accounts.models import RegionalRole

    from .factories import UserFactory

    _default_sample()
    user = UserFactory()
    RegionalRole.objects.create(user=user, region=territories["76"])
    client.force_login(user)
    body = client.get(reverse("organisations:search")).content.decode()
    assert "Montpellier Web" in body and "Dijon Data" not in body
    assert "secteur numérique en Occitanie" in body


def test_default_view_of_a_member_is_their_organisation_region(client, territories):
    from filiere.accounts.models import Membership

    from .factories import UserFactory

    _default_sample()
    user = UserFactory()
    own = EstablishmentFactory(organisation__name="Ma boîte", region_code="76", department_code="34")
    Membership.objects.create(user=user, organisation=own.organisation)
    client.force_login(user)
    body = client.get(reverse("organisations:search")).content.decode()
    assert "Montpellier Web" in body and "Dijon Data" not in body


def test_map_view_draws_results_by_department(client, territories):
    _default_sample()
    response = client.get(reverse("organisations:search"), {"q": "", "vue": "carte"})
    body = response.content.decode()
    assert "<svg" in body and 'data-level="department"' in body
    assert 'id="directory-map-table"' in body
    # One row per department with results, linking to the same search narrowed to it.
    assert "Côte-d&#x27;Or (21)</a></th><td>3</td>" in body
    assert "Hérault (34)</a></th><td>1</td>" in body
    assert "?q=&amp;department=34&amp;vue=carte" in body or "?department=34&amp;vue=carte" in body
    assert 'class="result-list"' not in body
    assert 'name="vue" value="carte"' in body  # the form keeps the view


def test_names_are_escaped(client):
    est = EstablishmentFactory(organisation__name="<script>alert(1)</script>")
    search = client.get(reverse("organisations:search")).content.decode()
    page = client.get(reverse("organisations:detail", args=[est.organisation_id])).content.decode()
    for body in (search, page):
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_organisation_page(client):
    cluster = OrganisationFactory(name="Numérica", kind=Kind.CLUSTER, siren=None)
    college = CollegeFactory(cluster=cluster, name="Entreprises")
    est = EstablishmentFactory(
        organisation__name="Cité Numérique",
        organisation__tags=["cloud", "IA"],
        organisation__website="https://cite.example",
    )
    RelationFactory(source=est.organisation, target=cluster, kind=RelationKind.MEMBER_OF, college=college)
    incubator = OrganisationFactory(name="Incubateur X", kind=Kind.INCUBATOR)
    RelationFactory(source=est.organisation, target=incubator, kind=RelationKind.INCUBATED_BY)
    body = client.get(reverse("organisations:detail", args=[est.organisation_id])).content.decode()
    assert "Cité Numérique" in body and est.organisation.siren in body and est.siret in body
    assert "1 rue de la Liberté" in body and "https://cite.example" in body and "cloud" in body
    assert "Membre de <a" in body and "Numérica" in body and "collège Entreprises" in body
    assert "Incubée par" in body
    assert "Licence Ouverte" in body
    assert "10 à 19 salariés" in body
    cluster_body = client.get(reverse("organisations:detail", args=[cluster.pk])).content.decode()
    assert "Collèges" in cluster_body and "Entreprises" in cluster_body
    assert "Cité Numérique</a> membre de Numérica" in cluster_body


def test_generated_organisation_is_badged(client):
    est = EstablishmentFactory(generated=True)
    body = client.get(reverse("organisations:detail", args=[est.organisation_id])).content.decode()
    assert 'class="badge generated">généré' in body
    assert "données fictives de démonstration" in body


def test_unknown_organisation_is_404(client):
    assert client.get(reverse("organisations:detail", args=[987654])).status_code == 404


def test_non_diffusible_hides_the_name(client):
    est = EstablishmentFactory(
        non_diffusible=True, organisation__name="Jean Dupont EI", address="12 rue Secrète"
    )
    body = client.get(reverse("organisations:detail", args=[est.organisation_id])).content.decode()
    assert "Non diffusible" in body
    assert "Dupont" not in body and "12 rue Secrète" not in body
    assert est.organisation.siren in body
    search = client.get(reverse("organisations:search")).content.decode()
    assert "Non diffusible" in search and "Dupont" not in search


# --- Exports --------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_header_and_rows(client, territories):
    EstablishmentFactory(organisation__name="Cité Numérique")
    EstablishmentFactory(organisation__name="Montpellier Web", region_code="76", department_code="34")
    response = client.get(reverse("organisations:export", args=["csv"]), {"region": "27"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="annuaire-filiere-')
    assert response["Content-Disposition"].endswith('.csv"')
    table = _csv(response)
    assert table[0] == exports.headers()
    assert table[0][:3] == ["SIRET", "SIREN", "Nom"]
    assert len(table) == 2
    row = dict(zip(table[0], table[1], strict=True))
    assert row["Nom"] == "Cité Numérique"
    assert row["Département"] == "Côte-d'Or" and row["Région"] == "Bourgogne-Franche-Comté"
    assert row["Libellé NAF"] == "Programmation informatique" and row["Numérique"] == "oui"
    assert row["Tranche d'effectif"] == "10 à 19 salariés" and row["État"] == "Active"


def test_export_neutralises_formulas(client):
    EstablishmentFactory(organisation__name='=HYPERLINK("http://evil")', sign="@SUM(A1)", address="-1+1")
    table = _csv(client.get(reverse("organisations:export", args=["csv"])))
    row = dict(zip(table[0], table[1], strict=True))
    assert row["Nom"] == '\'=HYPERLINK("http://evil")'
    assert row["Enseigne"] == "'@SUM(A1)"
    assert row["Adresse"] == "'-1+1"


def test_export_hides_non_diffusible_identity(client):
    EstablishmentFactory(non_diffusible=True, organisation__name="Jean Dupont EI")
    table = _csv(client.get(reverse("organisations:export", args=["csv"])))
    assert table[1][2] == "Non diffusible"
    assert "Dupont" not in str(table)


def test_xlsx_export_opens_with_openpyxl(client):
    import openpyxl

    EstablishmentFactory(organisation__name="Cité Numérique")
    EstablishmentFactory(organisation__name="Numérica")
    response = client.get(reverse("organisations:export", args=["xlsx"]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert list(values[0]) == exports.headers()
    assert sorted(r[2] for r in values[1:]) == ["Cité Numérique", "Numérica"]


def test_ods_export(client):
    EstablishmentFactory(organisation__name="Cité Numérique")
    response = client.get(reverse("organisations:export", args=["ods"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response.content[:2] == b"PK" and len(response.content) > 1000


def test_spreadsheet_exports_are_capped(client, monkeypatch):
    monkeypatch.setattr(exports, "SPREADSHEET_MAX_ROWS", 2)
    for i in range(3):
        EstablishmentFactory(organisation__name=f"Entreprise {i}")
    response = client.get(reverse("organisations:export", args=["xlsx"]), {"q": "entreprise"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "limités à 2 lignes" in body and "export.csv?q=entreprise" in body


def test_unknown_export_format_is_404(client):
    assert client.get("/annuaire/export.pdf").status_code == 404
