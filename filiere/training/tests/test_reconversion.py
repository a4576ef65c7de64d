"""Reconversion paths on a small hand-built ROME: skill overlap, mobilities, courses, groups."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.taxonomy.models import (
    RomeCompetence,
    RomeMetier,
    RomeMetierCompetence,
    RomeMobility,
    RomeNafSector,
    Skill,
    SkillKind,
)
from filiere.training.reconversion import (
    UnknownOccupation,
    group_reconversion,
    parse_group,
    reconversion_path,
    reconversion_targets,
    resolve_occupation,
)

from .factories import CourseFactory, SessionFactory


@pytest.fixture
def rome(reference_territories) -> dict[str, Any]:
    """Aircraft mechanic → IT operations technician (mobility, strong overlap) or developer."""
    metiers = {
        "I1602": "Mécanicien / Mécanicienne avion",
        "M1810": "Technicien / Technicienne d'exploitation informatique",
        "M1805": "Développeur / Développeuse informatique",
        "D1101": "Boucher / Bouchère",
    }
    for code, label in metiers.items():
        RomeMetier.objects.create(code=code, label=label)
    competences = {
        "diag": "Diagnostiquer une panne",
        "proc": "Appliquer des procédures de maintenance",
        "doc": "Renseigner la documentation technique",
        "supervision": "Superviser l'exploitation des systèmes",
        "code": "Développer une application",
        "cut": "Découper de la viande",
    }
    skills = {}
    for key, label in competences.items():
        comp = RomeCompetence.objects.create(code_ogr=f"c-{key}"[:10], kind="competence", label=label)
        skills[key] = Skill.objects.create(label=label, kind=SkillKind.ROME, rome_competence=comp)
    links = {
        "I1602": {"diag": True, "proc": True, "doc": False},
        "M1810": {"diag": True, "proc": True, "supervision": True},
        "M1805": {"doc": True, "code": True},
        "D1101": {"cut": True},
    }
    for metier, items in links.items():
        for key, core in items.items():
            RomeMetierCompetence.objects.create(metier_id=metier, competence_id=f"c-{key}"[:10], is_core=core)
    RomeMobility.objects.create(source_id="I1602", target_id="M1810", order=1)
    sector = RomeNafSector.objects.create(code="62", label="Programmation, conseil", naf_division_id="62")
    RomeMetier.objects.get(code="M1805").naf_sectors.add(sector)
    RomeMetier.objects.get(code="M1810").naf_sectors.add(sector)
    return skills


def test_targets_rank_by_overlap_and_mobility_and_exclude_the_source(rome):
    targets = reconversion_targets(RomeMetier.objects.get(code="I1602"))
    codes = [t.code for t in targets]
    assert codes == ["M1810", "M1805"]
    first = targets[0]
    assert first.overlap == pytest.approx(2 / 3, abs=1e-3)
    assert first.mobility_rank == 1
    assert [s.label for s in first.shared] == [
        "Appliquer des procédures de maintenance",
        "Diagnostiquer une panne",
    ]
    assert [s.label for s in first.missing] == ["Superviser l'exploitation des systèmes"]
    assert "mobilité proposée par le ROME" in first.explanation
    assert first.in_demand is True
    assert targets[1].overlap == pytest.approx(0.5)


def test_targets_show_regional_courses_teaching_the_missing_skills(rome):
    course = CourseFactory(title="Technicien d'exploitation", skills=[rome["supervision"]])
    SessionFactory(course=course, department_code="31", region_code="76")
    elsewhere = CourseFactory(skills=[rome["supervision"]])
    SessionFactory(course=elsewhere, department_code="21", region_code="27")
    targets = reconversion_targets(RomeMetier.objects.get(code="I1602"), region_code="76")
    assert [m.course for m in targets[0].courses] == [course]


def test_only_in_demand_keeps_digital_sector_metiers(rome):
    RomeMetierCompetence.objects.create(metier_id="D1101", competence_id="c-diag", is_core=True)
    everything = {t.code for t in reconversion_targets(RomeMetier.objects.get(code="I1602"))}
    assert "D1101" in everything
    in_demand = {
        t.code for t in reconversion_targets(RomeMetier.objects.get(code="I1602"), only_in_demand=True)
    }
    assert in_demand == {"M1810", "M1805"}


def test_resolve_occupation_from_code_title_and_errors(rome):
    assert resolve_occupation("i1602")[0].code == "I1602"
    metier, linked = resolve_occupation("mécanicien avion H/F")
    assert metier.code == "I1602" and linked
    with pytest.raises(UnknownOccupation, match="Code ROME inconnu"):
        resolve_occupation("Z9999")
    with pytest.raises(UnknownOccupation):
        resolve_occupation("   ")
    path = reconversion_path("I1602")
    assert path.source_label.startswith("Mécanicien") and path.targets[0].code == "M1810"


def test_group_counts_people_per_target_and_missing_skills_against_places(rome):
    course = CourseFactory(skills=[rome["supervision"]])
    SessionFactory(course=course, department_code="31", region_code="76", places=15)
    result = group_reconversion([("I1602", 800), ("M1805", 200)], region_code="76")
    assert result.people == 1000
    by_code = {t.code: t for t in result.targets}
    assert by_code["M1810"].people == 800
    assert by_code["M1810"].sources == ["I1602"]
    supervision = next(m for m in result.missing_skills if m.skill_id == rome["supervision"].pk)
    assert (supervision.people, supervision.places) == (800, 15)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("I1602", "nombre de personnes"),
        ("I1602;abc", "nombre de personnes invalide"),
        ("I1602;-4", "nombre de personnes invalide"),
        ("XX;4", "code ROME invalide"),
        ("Z9999;4", "Codes ROME inconnus"),
        ("", "au moins un métier"),
    ],
)
def test_parse_group_names_the_bad_line(rome, text, message):
    with pytest.raises(ValueError, match=message):
        parse_group(text)


def test_parse_group_accepts_separators(rome):
    assert parse_group("I1602;800\nM1805, 200\n\n") == [("I1602", 800), ("M1805", 200)]
