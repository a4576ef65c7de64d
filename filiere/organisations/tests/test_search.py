"""Directory search: full text (both engines), facets, counts, pagination."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from filiere.organisations.models import Establishment, Kind, State
from filiere.organisations.search import fts5_expression, query_words, tsquery_expression
from filiere.organisations.selectors import DirectoryFilters, search_directory

from .factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def names(result) -> list[str]:
    return [e.name for e in result.results]


def search(**kwargs):
    return search_directory(DirectoryFilters(**kwargs))


@pytest.fixture
def no_time_for_exact_counts(monkeypatch):
    """Exact counting runs out of its time budget (as a broad query over a million rows does)."""
    from filiere.organisations import selectors

    monkeypatch.setattr(selectors.directory, "exact_counts", lambda *args, **kwargs: None)


def test_query_words_are_folded_and_stripped_of_syntax():
    assert query_words('Cité "Numérique" OR *') == ["cite", "numerique", "or"]
    assert fts5_expression(["cite", "num"]) == '"cite" "num"*'
    assert tsquery_expression(["cite", "num"]) == "cite & num:*"


def test_unaccented_query_finds_accented_name():
    EstablishmentFactory(organisation__name="Cité Numérique")
    EstablishmentFactory(organisation__name="Boulangerie Martin")
    assert names(search(q="cite numerique")) == ["Cité Numérique"]


def test_accented_query_finds_unaccented_text():
    EstablishmentFactory(organisation__name="NUMERICA")
    assert names(search(q="Numérica")) == ["NUMERICA"]


def test_last_word_is_a_prefix():
    EstablishmentFactory(organisation__name="Cité Numérique")
    assert names(search(q="cite num")) == ["Cité Numérique"]
    assert names(search(q="cit")) == ["Cité Numérique"]
    # Only the last word is a prefix: earlier words must be whole.
    assert names(search(q="cit numerique")) == []


def test_every_word_is_required():
    EstablishmentFactory(organisation__name="Cité Numérique")
    EstablishmentFactory(organisation__name="Cité des sciences")
    assert names(search(q="cite sciences")) == ["Cité des sciences"]


def test_search_matches_city_and_postcode():
    EstablishmentFactory(organisation__name="Alpha", city="Besançon", postcode="25000")
    EstablishmentFactory(organisation__name="Beta", city="Dijon", postcode="21000")
    assert names(search(q="besancon")) == ["Alpha"]
    assert names(search(q="21000")) == ["Beta"]


def test_relevance_then_name():
    EstablishmentFactory(organisation__name="Agence Numérique", city="Dijon")
    EstablishmentFactory(organisation__name="Numérique Services", city="Dijon")
    EstablishmentFactory(organisation__name="Numériques et Cie", city="Dijon")
    EstablishmentFactory(organisation__name="Atelier", city="Numérique-sur-Loire")
    EstablishmentFactory(organisation__name="Numérique", city="Besançon")
    # Whole-word start of the name first, then as-typed prefix, then elsewhere, each by name.
    assert names(search(q="numerique")) == [
        "Numérique",
        "Numérique Services",
        "Numériques et Cie",
        "Agence Numérique",
        "Atelier",
    ]


def test_no_query_orders_by_name_within_a_headcount_band():
    for name in ("Charlie", "alpha", "Bravo"):
        EstablishmentFactory(organisation__name=name, headcount_band="11")
    assert sorted(names(search()), key=str.lower) == ["alpha", "Bravo", "Charlie"]
    assert names(search()) == list(
        Establishment.objects.order_by("directory_rank", "name", "id").values_list("name", flat=True)
    )


def test_browsing_puts_featured_then_open_diffusible_and_biggest_first():
    from filiere.accounts.models import Membership

    from .factories import UserFactory

    EstablishmentFactory(organisation__name="A fermée", state=State.CLOSED, headcount_band="53")
    EstablishmentFactory(organisation__name="B non diffusible", is_diffusible=False, headcount_band="53")
    EstablishmentFactory(organisation__name="C petite", headcount_band="01")
    EstablishmentFactory(organisation__name="D grande", headcount_band="42")
    EstablishmentFactory(organisation__name="E sans effectif", headcount_band="")
    member = EstablishmentFactory(organisation__name="F avec membres", headcount_band="NN")
    Membership.objects.create(user=UserFactory(), organisation=member.organisation)
    expected = ["F avec membres", "D grande", "C petite", "E sans effectif", "B non diffusible", "A fermée"]
    assert names(search()) == expected
    for per_page in (1, 2, 4):
        pages = [search_directory(DirectoryFilters(), page=p, per_page=per_page) for p in range(1, 7)]
        assert [n for page in pages for n in names(page)][:6] == expected


def test_search_index_follows_updates_and_deletes():
    est = EstablishmentFactory(organisation__name="Ancien nom")
    Establishment.objects.filter(pk=est.pk).update(search_text="nouveau nom")
    assert search(q="ancien").count == 0
    assert search(q="nouveau").count == 1
    est.delete()
    assert search(q="nouveau").count == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 triggers")
def test_sqlite_search_objects_exist_after_all_migrations():
    # A later AlterField on Establishment remakes the table on SQLite and drops its triggers.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'organisations_establishment_fts_%'"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "organisations_establishment_fts_ai",
            "organisations_establishment_fts_ad",
            "organisations_establishment_fts_au",
        }
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%name_idx'")
        assert {row[0] for row in cursor.fetchall()} >= {
            "organisations_establishment_name_idx",
            "organisations_establishment_region_name_idx",
        }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite table remakes")
def test_search_objects_are_repaired_after_a_table_remake():
    from filiere.organisations.search import ensure_search_objects

    est = EstablishmentFactory(organisation__name="Cité Numérique")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER organisations_establishment_fts_ai")
        cursor.execute("DROP INDEX organisations_establishment_region_name_idx")
    EstablishmentFactory(organisation__name="Numérica")  # inserted while the trigger is missing
    assert ensure_search_objects() is True
    assert ensure_search_objects() is False
    assert names(search(q="numerica")) == ["Numérica"]
    assert names(search(q="cite")) == [est.name]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"region": ("76",)}, ["Montpellier Web"]),
        ({"department": ("25",)}, ["Besançon Soft"]),
        ({"naf": ("58.29C",)}, ["Besançon Soft"]),
        ({"digital": False}, ["Boulangerie"]),
        ({"digital": True}, ["Besançon Soft", "Dijon Data", "Montpellier Web"]),
        ({"headcount": ("21",)}, ["Dijon Data"]),
        ({"kind": (Kind.CLUSTER,)}, ["Montpellier Web"]),
        ({"state": (State.CLOSED,)}, ["Boulangerie"]),
        ({"region": ("27",), "digital": True}, ["Besançon Soft", "Dijon Data"]),
    ],
)
def test_each_facet_filters(territories, filters, expected):
    make_sample()
    assert sorted(names(search(**filters))) == expected


def make_sample():
    EstablishmentFactory(organisation__name="Dijon Data", organisation__headcount_band="21")
    EstablishmentFactory(
        organisation__name="Besançon Soft",
        organisation__naf_code="58.29C",
        department_code="25",
        city="Besançon",
    )
    EstablishmentFactory(
        organisation__name="Montpellier Web",
        organisation__kind=Kind.CLUSTER,
        department_code="34",
        region_code="76",
        city="Montpellier",
    )
    EstablishmentFactory(
        organisation__name="Boulangerie",
        organisation__naf_code="10.71C",
        organisation__is_digital=False,
        closed=True,
    )


def facet(result, name) -> dict[str, int]:
    return {v.value: v.count for v in next(f for f in result.facets if f.name == name).values}


def test_facet_counts_over_the_result_set(territories):
    make_sample()
    everything = search()
    assert everything.count == 4
    assert facet(everything, "region") == {"27": 3, "76": 1}
    assert facet(everything, "department") == {"21": 2, "25": 1, "34": 1}
    assert facet(everything, "digital") == {"1": 3, "0": 1}
    assert facet(everything, "naf") == {"62.01Z": 2, "58.29C": 1, "10.71C": 1}
    assert facet(everything, "state") == {"A": 3, "F": 1}
    assert facet(everything, "kind") == {"company": 3, "cluster": 1}
    assert facet(everything, "headcount") == {"11": 3, "21": 1}
    digital_bfc = search(region=("27",), digital=True)
    assert digital_bfc.count == 2
    assert facet(digital_bfc, "department") == {"21": 1, "25": 1}
    assert facet(digital_bfc, "digital") == {"1": 2}


def test_facet_labels(territories):
    make_sample()
    everything = search()
    labels = {f.name: {v.value: v.label for v in f.values} for f in everything.facets}
    assert labels["region"]["76"] == "Occitanie"
    assert labels["department"]["25"] == "Doubs (25)"
    assert labels["naf"]["62.01Z"] == "62.01Z — Programmation informatique"
    assert labels["headcount"]["21"] == "50 à 99 salariés"


def test_text_and_facets_combine(territories):
    make_sample()
    result = search(q="montpellier", region=("27",))
    assert result.count == 0
    selected = next(f for f in result.facets if f.name == "region").values
    assert [(v.value, v.count, v.selected) for v in selected] == [("27", 0, True)]


@override_settings(DIRECTORY_FACET_LIMIT=3)
def test_counts_are_exact_beyond_the_facet_limit(territories):
    make_sample()
    EstablishmentFactory(organisation__name="Encore une")
    result = search()
    assert result.count == 5
    assert not result.count_is_lower_bound
    assert sum(facet(result, "state").values()) == 5
    assert result.department_counts == {"21": 3, "25": 1, "34": 1}


def test_a_statement_past_its_time_budget_is_stopped_and_the_connection_still_works():
    from django.db import OperationalError

    from filiere.organisations.selectors import time_budget

    slow = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000000) SELECT count(*) FROM n"
    with pytest.raises(OperationalError), time_budget("default", 20), connection.cursor() as cursor:
        cursor.execute(slow)
    with time_budget("default", 5000), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


@override_settings(DIRECTORY_FACET_LIMIT=3)
def test_counting_is_capped_and_says_so_when_exact_counts_take_too_long(
    territories, no_time_for_exact_counts
):
    make_sample()
    EstablishmentFactory(organisation__name="Encore une")
    result = search()
    assert result.count == 3
    assert result.count_is_lower_bound
    assert sum(facet(result, "state").values()) == 3


def test_pagination():
    for i in range(45):
        EstablishmentFactory(organisation__name=f"Entreprise {i:02d}")
    first = search_directory(DirectoryFilters(q="entreprise"), page=1, per_page=20)
    last = search_directory(DirectoryFilters(q="entreprise"), page=3, per_page=20)
    beyond = search_directory(DirectoryFilters(q="entreprise"), page=99, per_page=20)
    assert first.count == 45 and first.num_pages == 3 and first.has_next and not first.has_previous
    assert len(first.results) == 20
    assert names(last) == [f"Entreprise {i}" for i in range(40, 45)]
    assert beyond.page == 3


def test_filters_from_query_params_drop_unknown_values():
    from django.http import QueryDict

    filters = DirectoryFilters.from_params(
        QueryDict("q=+dijon+&region=27&region=76&kind=cluster&kind=nope&state=A&digital=1&headcount=99")
    )
    assert filters == DirectoryFilters(
        q="dijon", region=("27", "76"), kind=("cluster",), state=("A",), digital=True
    )


# --- Facet tokens in the full-text index, and the "starts with" first page (migration 0004) ---

FILTER_CASES = [
    {"region": ("27",)},
    {"region": ("27", "76")},
    {"department": ("25",)},
    {"naf": ("58.29C", "10.71C")},
    {"digital": True},
    {"digital": False},
    {"headcount": ("21",)},
    {"kind": (Kind.CLUSTER, Kind.TRAINING_BODY)},
    {"state": (State.CLOSED,)},
    {"region": ("27",), "digital": True, "state": (State.ACTIVE,)},
    {"region": ("2a",)},  # not a canonical code: filtered on its column (matches nothing)
]


@pytest.mark.parametrize("filters", FILTER_CASES)
@pytest.mark.parametrize("q", ["data", "besancon", "d", "dijon data"])
def test_facet_tokens_give_the_column_filter_results(territories, filters, q):
    from filiere.organisations.selectors import filter_establishments

    make_sample()
    EstablishmentFactory(
        organisation__name="Dijon Data Formation", organisation__kind=Kind.TRAINING_BODY, city="Besançon"
    )
    with_tokens = filter_establishments(DirectoryFilters(q=q, **filters))
    on_columns = filter_establishments(DirectoryFilters(q=q, **filters), facet_tokens=False)
    assert sorted(with_tokens.values_list("id", flat=True)) == sorted(on_columns.values_list("id", flat=True))


def test_facet_tokens_follow_column_updates(territories):
    est = EstablishmentFactory(organisation__name="Dijon Data")
    assert search(q="data", region=("27",)).count == 1
    Establishment.objects.filter(pk=est.pk).update(region_code="76", kind=Kind.CLUSTER, is_digital=False)
    assert search(q="data", region=("27",)).count == 0
    assert names(search(q="data", region=("76",), kind=(Kind.CLUSTER,), digital=False)) == ["Dijon Data"]
    est.delete()
    assert search(q="data", region=("76",)).count == 0


def test_facet_token_values():
    from filiere.organisations.search import facet_token

    assert facet_token("kind", "training_body") == "zzkindtrainingbody"
    assert facet_token("naf", "62.01Z") == "zznaf6201z"
    assert facet_token("department", "2A") == "zzdep2a"
    assert facet_token("department", "2a") is None  # would also match "2A"
    assert facet_token("region", "2'") is None


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL has the tokens in the same tsvector: typing 'zzreg27' finds region 27 (public data)",
)
def test_text_query_cannot_reach_facet_tokens():
    EstablishmentFactory(organisation__name="Dijon Data")
    assert search(q="zzreg27").count == 0


def test_naf_labels_of_pages_and_exports_agree_file_first_then_database():
    from filiere.organisations.selectors import all_naf_labels, naf_labels_for
    from filiere.organisations.selectors.labels import _naf_labels_from_file
    from filiere.taxonomy.models import NafCode, NafLevel

    official = _naf_labels_from_file()["62.01Z"]
    NafCode.objects.update_or_create(
        code="62.01Z", defaults={"level": NafLevel.SOUS_CLASSE, "label": "Autre"}
    )
    NafCode.objects.update_or_create(
        code="99.99Z", defaults={"level": NafLevel.SOUS_CLASSE, "label": "Essai"}
    )
    for labels in (naf_labels_for(["62.01Z", "99.99Z"]), all_naf_labels()):
        assert (labels["62.01Z"], labels["99.99Z"]) == (official, "Essai")


def test_activity_facet_labels_are_the_accented_insee_labels():
    from filiere.organisations.selectors import naf_labels_for

    labels = naf_labels_for(["58.29C", "62.01Z", "63.11Z"])
    assert labels == {
        "58.29C": "Édition de logiciels applicatifs",
        "62.01Z": "Programmation informatique",
        "63.11Z": "Traitement de données, hébergement et activités connexes",
    }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite table remakes")
def test_statistics_are_rebuilt_after_a_table_remake():
    from filiere.organisations.search import ensure_search_objects

    for i in range(3):
        EstablishmentFactory(organisation__name=f"Société {i}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'organisations_establishment'")
        cursor.execute("DROP TRIGGER organisations_establishment_fts_ai")  # as a table remake does
        assert ensure_search_objects() is True
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'organisations_establishment'")
        assert cursor.fetchone()[0] > 0


def test_browsing_more_rows_than_exact_counting_can_afford_is_sampled_at_once(monkeypatch):
    from filiere.organisations import selectors

    def never(*args, **kwargs):
        raise AssertionError("exact counting attempted")

    for i in range(4):
        EstablishmentFactory(organisation__name=f"Société {i}")
    monkeypatch.setattr(selectors.directory, "EXACT_COUNT_MAX_ROWS", 3)
    monkeypatch.setattr(selectors.directory, "exact_counts", never)
    with override_settings(DIRECTORY_FACET_LIMIT=2):
        result = search_directory(DirectoryFilters(region=("27",)))
    assert result.count_is_lower_bound and result.count == 2
    monkeypatch.undo()
    with override_settings(DIRECTORY_FACET_LIMIT=2):  # the default view's own budget: exact
        assert search_directory(DirectoryFilters(region=("27",)), count_budget_ms=1000).count == 4
