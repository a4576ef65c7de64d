"""Transferability on a small hand-built taxonomy: ROME métiers → NAF sectors, ESCO by title."""

from __future__ import annotations

import pytest

from filiere.showcase.transferability import application_sectors, sector_transferability
from filiere.taxonomy.models import (
    EscoOccupation,
    EscoOccupationSkill,
    RomeAppellation,
    RomeCompetence,
    RomeMetier,
    RomeMetierCompetence,
    RomeNafSector,
    Skill,
    SkillKind,
)

from .factories import make_firm

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy(skills):
    """Two ROME skills; rail (NAF 49) uses both, health (86) one, banking (64) one via ESCO only."""
    rail = RomeNafSector.objects.create(code="49", label="Transports terrestres", naf_division_id="49")
    health = RomeNafSector.objects.create(
        code="86", label="Activités pour la santé humaine", naf_division_id="86"
    )
    bank = RomeNafSector.objects.create(
        code="64", label="Activités des services financiers", naf_division_id="64"
    )
    everywhere = RomeNafSector.objects.create(code="0", label="Transverse aux secteurs")
    data = RomeCompetence.objects.create(code_ogr="9001", kind="competence", label="Analyser des données")
    plan = RomeCompetence.objects.create(code_ogr="9002", kind="competence", label="Planifier un projet")
    skill_data = Skill.objects.create(label=data.label, kind=SkillKind.ROME, rome_competence=data)
    skill_plan = Skill.objects.create(label=plan.label, kind=SkillKind.ROME, rome_competence=plan)
    rail_metier = RomeMetier.objects.create(code="N4401", label="Ingénierie ferroviaire")
    health_metier = RomeMetier.objects.create(code="J1501", label="Data santé")
    bank_metier = RomeMetier.objects.create(code="C1201", label="Analyste financier")
    rail_metier.naf_sectors.set([rail, everywhere])
    health_metier.naf_sectors.set([health])
    bank_metier.naf_sectors.set([bank])
    RomeMetierCompetence.objects.create(metier=rail_metier, competence=data, is_core=True)
    RomeMetierCompetence.objects.create(metier=rail_metier, competence=plan, is_core=True)
    RomeMetierCompetence.objects.create(metier=health_metier, competence=data, is_core=False)
    # ESCO: "analyste de données financières" needs machine learning; its French title is a ROME appellation.
    occupation = EscoOccupation.objects.create(
        uri="http://esco/occ/1", label_fr="Analyste de données financières"
    )
    EscoOccupationSkill.objects.create(
        occupation=occupation, skill=skills["ml"].esco_skill, relation="essential"
    )
    RomeAppellation.objects.create(
        code_ogr="8001", label="Analyste de données financières", metier=bank_metier
    )
    return {"data": skill_data, "plan": skill_plan, "ml": skills["ml"]}


def test_sectors_ranked_by_covered_skills(taxonomy):
    scores = sector_transferability([taxonomy["data"].pk, taxonomy["plan"].pk])
    assert [(sector.code, score) for sector, score, _ in scores] == [("49", 100.0), ("86", 25.0)]
    sector, score, covered = scores[0]
    assert covered == ["Analyser des données", "Planifier un projet"]
    assert scores[0].occupations == ["Ingénierie ferroviaire"]


def test_transverse_sector_is_left_out(taxonomy):
    assert "0" not in [s.sector.code for s in sector_transferability([taxonomy["data"].pk])]


def test_esco_skills_reach_sectors_through_matching_titles(taxonomy):
    scores = sector_transferability([taxonomy["ml"].pk])
    assert [(s.sector.code, s.score) for s in scores] == [("64", 100.0)]
    assert scores[0].occupations == ["Analyste de données financières"]


def test_no_links_no_sectors(skills):
    assert sector_transferability([skills["python"].pk]) == []
    assert sector_transferability([]) == []


def test_roll_up_to_application_sectors(taxonomy):
    rolled = application_sectors(
        sector_transferability([taxonomy["data"].pk, taxonomy["plan"].pk, taxonomy["ml"].pk])
    )
    by_code = {item.sector.code: item.score for item in rolled}
    assert by_code["rail"] == pytest.approx(66.7)  # NAF 49 is rail (and logistics)
    assert by_code["health"] == pytest.approx(16.7)
    assert by_code["finance"] == pytest.approx(33.3)
    assert rolled[0].sector.code in ("rail", "logistics")


def test_firm_and_territory_pages(client, taxonomy):
    firm = make_firm("Rail Data", skills=[taxonomy["data"], taxonomy["plan"]], pitch="data")
    html = client.get(f"/vitrine/{firm.pk}/transferabilite/").content.decode()
    assert "Transports terrestres" in html and "Ferroviaire" in html
    from filiere.organisations.tests.factories import RegionFactory

    RegionFactory(code="76", name="Occitanie")
    html = client.get("/vitrine/territoire/76/transferabilite/").content.decode()
    assert "Occitanie" in html and "Transports terrestres" in html
    assert client.get("/vitrine/territoire/99/transferabilite/").status_code == 404


def test_title_keys_compare_gendered_titles_across_taxonomies():
    from filiere.showcase.transferability import title_keys

    assert title_keys("Développeur / Développeuse web") & title_keys("développeur web/développeuse web")
    assert "data scientist" in title_keys("Data scientist (H/F)")
