"""Fixtures of the needs tests: fast password hashing, a small hand-built taxonomy, a BFC region."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.matching.testing import engine_with_fresh_caches

from .factories import department, region


@pytest.fixture(autouse=True)
def fresh_engine(settings: Any, tmp_path_factory: Any) -> Any:
    """The matching engine with its caches emptied (the taxonomy of each test is hand-built)."""
    yield from engine_with_fresh_caches(settings, tmp_path_factory)


@pytest.fixture
def bfc(db: None) -> Any:
    """Bourgogne-Franche-Comté with three of its departments."""
    bfc = region("27")
    for code in ("21", "25", "71"):
        department(code)
    return bfc


@pytest.fixture
def skills(db: None) -> dict[str, Any]:
    """Three ESCO-backed skills and one ROME appellation, as respondents name them."""
    from filiere.taxonomy.models import EscoSkill, RomeAppellation, RomeMetier, Skill

    rows = {
        "python": ("Python (programmation informatique)", ["Python"]),
        "cyber": ("cybersécurité", ["sécurité informatique"]),
        "project": ("gestion de projets", ["conduite de projet"]),
    }
    result = {}
    for key, (label, alt) in rows.items():
        esco = EscoSkill.objects.create(
            uri=f"http://data.europa.eu/esco/skill/needs-{key}", label_fr=label, alt_labels_fr=alt
        )
        result[key] = Skill.objects.create(label=label, kind="esco", esco_skill=esco)
    metier = RomeMetier.objects.create(code="M1805", label="Études et développement informatique")
    result["web"] = RomeAppellation.objects.create(
        code_ogr="14156", label="Développeur / Développeuse web", metier=metier
    )
    from filiere.matching import gazetteer, occupations

    gazetteer.reset_gazetteer()
    occupations.reset_occupation_index()
    return result
