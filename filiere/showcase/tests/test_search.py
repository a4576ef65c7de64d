"""Buyer search: ranking through the engine, filters, explanations, bad input, HTML escaping."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from filiere.showcase import selectors, services

from .factories import UserFactory, editor_of, make_firm, read_again, search_world

pytestmark = pytest.mark.django_db


def _build_firms(skills):
    rail = make_firm(
        "Toulouse ML Rail",
        skills=[skills["ml"], skills["data"]],
        sectors=["rail", "health"],
        pitch="Nous faisons du machine learning pour le rail.",
        capacity=6,
    )
    aero = make_firm(
        "Aéro Projets",
        skills=[skills["project"], skills["systems"]],
        sectors=["aeronautics"],
        pitch="Management de projet aéronautique.",
        capacity=0,
        available_from=dt.date(2030, 1, 1),
        department_code="32",
        headcount_band="03",
    )
    nimes = make_firm(
        "Nîmes Data",
        skills=[skills["ml"], skills["python"]],
        sectors=["finance"],
        pitch="Apprentissage automatique pour la banque.",
        capacity=1,
        region_code="76",
        department_code="30",
    )
    dijon = make_firm(
        "Dijon Learning",
        skills=[skills["ml"]],
        sectors=["rail"],
        pitch="Machine learning.",
        region_code="27",
        department_code="21",
    )
    return {"rail": rail, "aero": aero, "nimes": nimes, "dijon": dijon}


@pytest.fixture(scope="module")
def _world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    """The skills and the four firms, once for the module (`search_world`)."""
    with search_world(django_db_blocker, tmp_path_factory, _build_firms) as world:
        yield world


@pytest.fixture
def skills(_world: Any, db: None) -> dict[str, Any]:
    """The module's skills, read again for each test."""
    return read_again(_world[0])


@pytest.fixture
def firms(_world: Any, db: None) -> dict[str, Any]:
    """The module's four published firms, read again for each test."""
    return read_again(_world[1])


def search(**params):
    return selectors.search_showcase(selectors.ShowcaseFilters.from_params(params))


def names(result):
    return [row.name for row in result.rows]


def test_free_text_finds_machine_learning_firms_and_explains(firms):
    result = search(q="apprentissage automatique pour le ferroviaire")
    assert result.ranked and not result.error
    found = names(result)
    assert "Aéro Projets" not in found
    assert found[0] in ("Toulouse ML Rail", "Dijon Learning")
    assert [s.code for s in result.detected_sectors] == ["rail"]
    top = result.rows[0]
    assert "secteur : ferroviaire" in top.explanation


def test_region_filter_restricts_the_ranking(firms):
    assert "Dijon Learning" not in names(search(q="machine learning", region="76"))
    assert names(search(q="machine learning", region="27")) == ["Dijon Learning"]


def test_sector_capacity_and_size_filters(firms):
    assert names(search(sector="finance")) == ["Nîmes Data"]
    assert set(names(search(capacity_min="5"))) == {"Toulouse ML Rail"}
    assert names(search(size="tpe")) == ["Aéro Projets"]
    assert "Aéro Projets" not in names(search(available_before="2029-12-31"))
    assert "Aéro Projets" in names(search(available_before="2030-01-01"))
    assert names(search(department="30")) == ["Nîmes Data"]


def test_empty_query_browses_by_capacity(firms):
    result = search()
    assert not result.ranked
    assert result.count == 4
    assert result.rows[0].name == "Toulouse ML Rail"


def test_unpublished_firms_are_not_found(skills):
    make_firm("Brouillon ML", skills=[skills["ml"]], pitch="machine learning", published=False)
    assert "Brouillon ML" not in names(search(q="machine learning"))
    assert "Brouillon ML" not in names(search())


def test_unpublishing_removes_a_firm(firms):
    services.update_profile(user=editor_of(firms["dijon"]), organisation=firms["dijon"], is_published=False)
    assert "Dijon Learning" not in names(search(q="machine learning"))


def test_another_process_unpublishing_is_seen_at_once_without_a_second_sql_check(firms):
    """The filters are evaluated once, on the arrays, which read the version token on every
    search: another process's unpublication (profile row and token written, this process's
    engine index untouched) hides the firm from the very next search."""
    from filiere.matching.models import IndexState
    from filiere.showcase import facets
    from filiere.showcase.models import ShowcaseProfile

    assert "Dijon Learning" in names(search(q="machine learning"))
    ShowcaseProfile.objects.filter(pk=firms["dijon"].pk).update(is_published=False)  # no signal
    IndexState.objects.filter(doc_type=facets.VERSION_KEY).update(docs_version="written-elsewhere")
    assert "Dijon Learning" not in names(search(q="machine learning", region="27"))
    assert "Dijon Learning" not in names(search(q="machine learning"))


def test_validated_only_filter(client, firms, skills):
    from .factories import cluster_staff

    declaration = firms["nimes"].competence_declarations.first()
    services.validate_declaration(user=cluster_staff(firms["nimes"]), declaration=declaration)
    assert names(search(validated="1")) == ["Nîmes Data"]
    assert [row.validated_by for row in search(validated="1").rows] == [["Digital 113"]]
    assert "Validé par Digital 113" in client.get("/vitrine/?validated=1").content.decode()


def test_bad_filter_values_are_ignored():
    filters = selectors.ShowcaseFilters.from_params(
        {
            "capacity_min": "beaucoup",
            "available_before": "demain",
            "size": "xxl",
            "region": "<b>",
            "sector": "nope",
        }
    )
    assert filters == selectors.ShowcaseFilters()


# --- Pages ----------------------------------------------------------------------------------------


def test_search_page_shows_explanation_and_badges(client, firms):
    response = client.get("/vitrine/", {"q": "machine learning", "region": "76"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Toulouse ML Rail" in html
    assert "personnes disponibles" in html
    assert "Pourquoi" in html


def test_search_page_htmx_returns_the_partial(client, firms):
    response = client.get("/vitrine/", {"q": "machine learning"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "result-count" in html


def test_oversized_query_is_truncated_with_the_french_notice(client, firms):
    response = client.get("/vitrine/", {"q": "machine learning " * 7_000})  # 112 kB
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="search-notice"' in html and "premiers ont été analysés" in html
    assert "Toulouse ML Rail" in html


def test_punctuation_only_query_gets_the_french_message(client, firms):
    response = client.get("/vitrine/", {"q": "?!; --"})
    assert response.status_code == 400
    assert "Le texte est vide" in response.content.decode()


def test_binary_query_gets_the_french_message(client, firms):
    response = client.get("/vitrine/", {"q": "abc\x00\x01def"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="search-error"' in html and "binaire" in html


def test_html_in_user_text_is_escaped_everywhere(client, skills):
    evil = "<script>alert(1)</script>"
    firm = make_firm(
        f"Evil {evil}", skills=[skills["ml"]], pitch=f"machine learning {evil}", references=[(evil, evil)]
    )
    buyer = UserFactory(first_name=evil)
    services.send_contact_request(user=buyer, organisation=firm, subject=evil, message=evil)
    editor = editor_of(firm)
    pages = [
        client.get("/vitrine/", {"q": f"machine learning {evil}"}),
        client.get(f"/vitrine/{firm.pk}/"),
    ]
    client.force_login(editor)
    pages.append(client.get("/vitrine/demandes/"))
    pages.append(client.get(f"/vitrine/{firm.pk}/modifier/"))
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert evil not in html
        assert "&lt;script&gt;" in html


def test_profile_page_and_contact_form(client, firms):
    firm = firms["rail"]
    anonymous = client.get(f"/vitrine/{firm.pk}/").content.decode()
    assert "apprentissage automatique" in anonymous and "Connectez-vous" in anonymous
    buyer = UserFactory()
    client.force_login(buyer)
    response = client.post(f"/vitrine/{firm.pk}/contacter/", {"subject": "Projet rail", "message": "Bonjour"})
    assert response.status_code == 302 and response["Location"] == "/vitrine/demandes/"
    assert firm.contact_requests_received.get().buyer == buyer
    assert "Projet rail" in client.get("/vitrine/demandes/").content.decode()


def test_contact_needs_login(client, firms):
    response = client.post(f"/vitrine/{firms['rail'].pk}/contacter/", {"subject": "S", "message": "M"})
    from django.urls import reverse

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not firms["rail"].contact_requests_received.exists()


def test_unpublished_profile_is_404_for_the_public(client, skills):
    hidden = make_firm("Cachée", skills=[skills["ml"]], published=False)
    assert client.get(f"/vitrine/{hidden.pk}/").status_code == 404
    client.force_login(editor_of(hidden))
    assert client.get(f"/vitrine/{hidden.pk}/").status_code == 200


def test_inbox_status_buttons_and_wrong_side(client, firms):
    firm = firms["rail"]
    buyer = UserFactory()
    contact = services.send_contact_request(user=buyer, organisation=firm, subject="S", message="M")
    client.force_login(buyer)
    assert client.post(f"/vitrine/demandes/{contact.pk}/etat/", {"status": "read"}).status_code == 403
    client.force_login(editor_of(firm))
    html = client.get("/vitrine/demandes/").content.decode()
    assert 'value="answered"' in html
    client.post(f"/vitrine/demandes/{contact.pk}/etat/", {"status": "answered", "answer": "Oui"})
    contact.refresh_from_db()
    assert contact.status == "answered" and contact.answered_at
    client.force_login(UserFactory())
    assert client.post(f"/vitrine/demandes/{contact.pk}/etat/", {"status": "declined"}).status_code == 404


def test_edit_page_declares_a_competence(client, skills):
    firm = make_firm("Vide", skills=[])
    client.force_login(editor_of(firm))
    html = client.get(f"/vitrine/{firm.pk}/modifier/", {"skill_q": "apprentissage"}).content.decode()
    assert "apprentissage automatique" in html
    response = client.post(
        f"/vitrine/{firm.pk}/modifier/",
        {
            "action": "declare",
            "skill": skills["ml"].pk,
            "level": "expert",
            "people_count": 4,
            "capacity_available_now": 2,
        },
    )
    assert response.status_code == 302
    assert firm.competence_declarations.get().level == "expert"


def test_edit_page_is_403_for_non_editors(client, firms):
    client.force_login(UserFactory())
    assert client.get(f"/vitrine/{firms['rail'].pk}/modifier/").status_code == 403


def test_validation_page_for_cluster_staff_only(client, firms):
    from .factories import cluster_staff

    client.force_login(UserFactory())
    assert client.get("/vitrine/validation/").status_code == 403
    client.force_login(cluster_staff(firms["rail"]))
    declaration = firms["rail"].competence_declarations.first()
    declaration.status = "draft"
    declaration.save()
    assert "Toulouse ML Rail" in client.get("/vitrine/validation/").content.decode()
    client.post("/vitrine/validation/", {"id": declaration.pk, "decision": "validate"})
    declaration.refresh_from_db()
    assert declaration.status == "validated"


def test_save_search_button(client, firms):
    buyer = UserFactory()
    client.force_login(buyer)
    response = client.post(
        "/vitrine/recherches/enregistrer/", {"q": "machine learning", "sector": "rail", "frequency": "daily"}
    )
    assert response.status_code == 302
    saved = buyer.showcase_searches.get()
    assert saved.query == "machine learning" and saved.filters == {"sector": ["rail"]}
    assert "machine learning" in client.get("/vitrine/recherches/").content.decode()
