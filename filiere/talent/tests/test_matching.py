"""Matching: a candidate's best offers, an offer's best candidates, skill gaps, mobility."""

from __future__ import annotations

from dataclasses import fields

import pytest
from django.core.exceptions import ValidationError

from filiere.matching.models import Document
from filiere.talent import selectors, services
from filiere.talent.indexing import OFFER_DOC
from filiere.talent.models import Contract, JobOffer, OfferStatus
from filiere.taxonomy.models import RomeAppellation, RomeMetier

from .factories import OrganisationFactory, StructureFactory, UserFactory, consenting

STRASBOURG, MULHOUSE, MARSEILLE = "67482", "68224", "13055"


@pytest.fixture
def world(reference_territories, skills):
    company = OrganisationFactory(name="Alsace Logiciels")
    structure = StructureFactory()
    java = services.save_offer(
        organisation=company, by=None, title="Développeur Java", commune_code=STRASBOURG,
        description="Développement Java et SQL, un peu de JavaScript.", contract=Contract.CDI,
    )  # fmt: skip
    far = services.save_offer(
        organisation=company, by=None, title="Développeur Java", commune_code=MARSEILLE,
        description="Développement Java et SQL.", contract=Contract.CDI,
    )  # fmt: skip
    security = services.save_offer(
        organisation=company, by=None, title="Analyste sécurité", commune_code=MULHOUSE,
        description="Cybersécurité et administration Linux, requêtes SQL.", contract=Contract.CDD,
    )  # fmt: skip
    nathalie = services.save_seeker(
        structure=structure, by=None, first_name="Nathalie", last_name="Kieffer", gender="F", birth_year=1976,
        commune_code=STRASBOURG, summary="Conseillère bancaire, Excel, je me forme au SQL et au Java.",
        mobility_radius_km=120, contract_wishes=[Contract.CDI],
    )  # fmt: skip
    consenting(nathalie)
    return {"java": java, "far": far, "security": security, "nathalie": nathalie, "structure": structure}


def test_best_offers_rank_shared_skills_first_and_explain(world):
    matches = selectors.best_offers_for_seeker(world["nathalie"])
    assert [m.offer for m in matches][0] == world["java"]
    top = matches[0]
    assert set(top.matched_skills) >= {"SQL", "Java (programmation informatique)"}
    assert top.distance_km == 0 and top.contract_fit is True
    assert any("compétences en commun" in e for e in top.explanation)
    assert "même département" in top.explanation and "contrat souhaité" in top.explanation


def test_offers_outside_the_mobility_area_are_not_proposed(world):
    offers = [m.offer for m in selectors.best_offers_for_seeker(world["nathalie"])]
    assert world["far"] not in offers
    assert world["security"] in offers  # Mulhouse is within 120 km of Strasbourg


def test_a_closed_offer_is_not_proposed(world):
    java = world["java"]
    services.save_offer(organisation=java.organisation, by=None, title=java.title, description=java.description,
                        commune_code=STRASBOURG, status=OfferStatus.FILLED, offer=java)  # fmt: skip
    assert java not in [m.offer for m in selectors.best_offers_for_seeker(world["nathalie"])]


def test_best_candidates_need_consent_to_be_shown_to_companies(world):
    other = services.save_seeker(
        structure=world["structure"], by=None, first_name="Karim", last_name="Benali", gender="M",
        commune_code=STRASBOURG, summary="Java, SQL.",
    )  # fmt: skip
    consenting(other, "matching")  # matched, but not shown to companies
    found = [m.seeker for m in selectors.best_candidates_for_offer(world["java"])]
    assert found == [world["nathalie"]]
    adviser = UserFactory()
    from filiere.accounts.models import Membership

    Membership.objects.create(user=adviser, organisation=world["structure"])
    assert {m.seeker for m in selectors.best_candidates_for_offer(world["java"], viewer=adviser)} == {
        world["nathalie"],
        other,
    }


def test_skill_gap_lists_missing_skills(world):
    gap = selectors.skill_gap(world["nathalie"], world["security"])
    assert {label for _, label in gap.missing} == {"cybersécurité", "Linux"}
    assert gap.matched == ["SQL"]
    gap = selectors.skill_gap(world["nathalie"], world["java"])
    assert set(gap.matched) == {"SQL", "Java (programmation informatique)"}
    assert [label for _, label in gap.missing] == ["JavaScript"]


def test_gap_page_shows_missing_skills(world, client):
    from filiere.accounts.models import Membership

    adviser = UserFactory()
    Membership.objects.create(user=adviser, organisation=world["structure"])
    client.force_login(adviser)
    page = client.get(
        f"/talents/personnes/{world['nathalie'].pk}/offres/{world['security'].pk}/"
    ).content.decode()
    assert "cybersécurité" in page and "Linux" in page


def test_radius_reaches_neighbouring_departments(reference_territories):
    from filiere.territories import geo

    near = geo.departments_within("67", 100)
    assert "67" in near and "68" in near and "13" not in near


def test_courses_in_reach_cover_the_missing_skills(world):
    from filiere.training.tests.factories import CourseFactory, SessionFactory

    near = CourseFactory(title="Technicien cybersécurité", skills=[_skill("cybersécurité")])
    SessionFactory(course=near, department_code="68", region_code="44", city="Mulhouse")
    far = CourseFactory(title="Cybersécurité à Marseille", skills=[_skill("cybersécurité")])
    SessionFactory(course=far, department_code="13", region_code="93", city="Marseille")
    remote = CourseFactory(title="Linux à distance", skills=[_skill("Linux")])
    SessionFactory(course=remote, distance=True)
    gap = selectors.skill_gap(world["nathalie"], world["security"])
    titles = {m.course.title for m in gap.courses}
    assert titles == {"Technicien cybersécurité", "Linux à distance"}


def _skill(label: str):
    from filiere.taxonomy.models import Skill

    return Skill.objects.get(label=label)


def test_skill_gap_never_lists_a_skill_as_both_acquired_and_missing(world):
    """ROME "Java" and ESCO "Java (programmation informatique)" are two concepts, one skill."""
    from filiere.matching.gazetteer import reset_gazetteer
    from filiere.taxonomy.models import Skill, SkillKind

    rome_java = Skill.objects.create(kind=SkillKind.ROME, label="Java")
    reset_gazetteer()
    esco_java = Skill.objects.get(label="Java (programmation informatique)")
    offer = world["java"]
    offer.skill_ids = [rome_java.pk, esco_java.pk, *offer.skill_ids]
    offer.save(update_fields=["skill_ids"])
    seeker = world["nathalie"]
    seeker.extracted_skill_ids = [esco_java.pk]
    seeker.save(update_fields=["extracted_skill_ids"])
    seeker.skills.clear()
    gap = selectors.skill_gap(seeker, offer)
    missing = [label for _, label in gap.missing]
    assert gap.matched == ["Java"]
    assert not any(label.startswith("Java (") or label == "Java" for label in missing)


def test_matching_passes_skill_ids_to_the_engine_never_their_labels(world, monkeypatch):
    """The ids a person or an offer holds reach the engine as ids: no label is written out for
    the engine to extract again."""
    from filiere.matching import services as engine

    def no_round_trip(*args, **kwargs):
        raise AssertionError("skill ids went through text")

    calls = []
    real = engine.match_documents

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(engine, "skill_labels", no_round_trip)
    monkeypatch.setattr(engine, "search_documents", no_round_trip)
    monkeypatch.setattr(engine, "match_documents", spy)
    offers = [m.offer for m in selectors.best_offers_for_seeker(world["nathalie"])]
    assert offers[0] == world["java"]
    candidates = [m.seeker for m in selectors.best_candidates_for_offer(world["java"])]
    assert candidates == [world["nathalie"]]
    seeker_call, offer_call = calls
    assert set(seeker_call["skill_ids"]) == set(world["nathalie"].extracted_skill_ids)
    assert seeker_call["text"] == ""  # no wished occupation: skills only
    assert seeker_call["skill_ids"] and offer_call["skill_ids"] == world["java"].skill_ids
    assert offer_call["text"] == "Développeur Java"


OFFER_COLUMNS = (
    "organisation_id", "title", "description", "commune_id", "department_code", "region_code", "contract",
    "positions", "status", "rome_appellation_id", "rome_metier_id", "esco_occupation_id", "skill_ids",
    "created_by_id",
)  # fmt: skip


def _offer_columns(offer: JobOffer) -> tuple:
    offer = JobOffer.objects.get(pk=offer.pk)
    return tuple(getattr(offer, column) for column in OFFER_COLUMNS)


def test_save_offers_saves_each_offer_as_save_offer_does(reference_territories, skills):
    metier = RomeMetier.objects.create(code="M1805", label="Études et développement informatique")
    RomeAppellation.objects.create(code_ogr="38971", label="Développeur / Développeuse web", metier=metier)
    RomeAppellation.objects.create(
        code_ogr="10436", label="Analyste développeur / développeuse", metier=metier
    )
    company, other = OrganisationFactory(name="Alsace Logiciels"), OrganisationFactory(name="Vosges Sécurité")
    drafts = [
        services.OfferFields(
            organisation=company, title=" Développeur web ", description="Java et SQL.",
            commune_code=STRASBOURG, contract=Contract.CDD, positions=2,
        ),
        services.OfferFields(
            organisation=other, title="Analyste sécurité", description="Cybersécurité et administration Linux.",
            commune_code=MULHOUSE,
        ),
        services.OfferFields(  # the same title, another text and no place
            organisation=company, title="Développeur web", description="JavaScript.", status=OfferStatus.FILLED,
        ),
        services.OfferFields(
            organisation=other, title="Chef de projet", rome_appellation_code="10436", commune_code=STRASBOURG,
            contract=Contract.ALTERNANCE, positions=3,
        ),
    ]  # fmt: skip

    one_by_one = [
        services.save_offer(by=None, **{f.name: getattr(d, f.name) for f in fields(d)}) for d in drafts
    ]
    together = services.save_offers(offers=drafts, by=None)

    expected = [_offer_columns(o) for o in one_by_one]
    assert [_offer_columns(o) for o in together] == expected
    assert len({o.pk for o in [*one_by_one, *together]}) == 8
    assert [c[3:6] for c in expected] == [
        (STRASBOURG, "67", "44"), (MULHOUSE, "68", "44"), (None, "", ""), (STRASBOURG, "67", "44")
    ]  # fmt: skip
    assert expected[0][1:3] == ("Développeur web", "Java et SQL.")
    assert expected[0][6:9] == (Contract.CDD, 2, OfferStatus.OPEN)
    assert expected[0][9] == RomeAppellation.objects.get(code_ogr="38971").pk
    assert expected[3][9] == RomeAppellation.objects.get(code_ogr="10436").pk and expected[3][10] == metier.pk
    assert skills["java"].pk in expected[0][12] and skills["linux"].pk in expected[1][12]
    assert expected[2][8] == OfferStatus.FILLED and expected[2][12] != expected[0][12]
    indexed = set(Document.objects.filter(doc_type=OFFER_DOC).values_list("doc_id", flat=True))
    open_offers = {o.pk for o in [*one_by_one, *together] if o.status == OfferStatus.OPEN}
    assert indexed == open_offers and len(open_offers) == 6


def test_save_offers_updates_the_offers_it_is_given_and_saves_nothing_when_one_is_refused(
    reference_territories, skills
):
    company = OrganisationFactory(name="Alsace Logiciels")
    java = services.save_offer(
        organisation=company, by=None, title="Développeur Java", commune_code=STRASBOURG
    )
    drafts = [
        services.OfferFields(
            organisation=company, title="Développeur Java", offer=java, status=OfferStatus.FILLED
        ),
        services.OfferFields(organisation=company, title="Analyste sécurité", commune_code=MULHOUSE),
    ]
    with pytest.raises(ValidationError):
        services.save_offers(
            offers=[*drafts, services.OfferFields(organisation=company, title="  ")], by=None
        )
    assert JobOffer.objects.get().status == OfferStatus.OPEN

    saved = services.save_offers(offers=drafts, by=None)

    assert saved[0].pk == java.pk and JobOffer.objects.count() == 2
    assert JobOffer.objects.get(pk=java.pk).status == OfferStatus.FILLED
