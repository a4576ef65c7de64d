"""Fixtures of the training tests: fast password hashing and a small hand-built taxonomy."""

from __future__ import annotations

from typing import Any

import pytest

from .factories import EscoSkillFactory, SkillFactory


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_engine(settings: Any, tmp_path_factory: Any) -> Any:
    """The matching engine with its caches emptied (the taxonomy of each test is hand-built)."""
    from filiere.matching import gazetteer, services

    settings.MATCHING_CACHE_DIR = str(tmp_path_factory.mktemp("matching"))
    gazetteer.reset_gazetteer()
    services.reset_caches()
    yield
    gazetteer.reset_gazetteer()
    services.reset_caches()


@pytest.fixture
def skills(db: None) -> dict[str, Any]:
    """ESCO-backed skills of the digital trades, with the labels course texts use."""
    rows = {
        "python": ("Python (programmation informatique)", ["Python"]),
        "ml": ("apprentissage automatique", ["machine learning"]),
        "sql": ("SQL", ["langage SQL"]),
        "cyber": ("cybersécurité", ["sécurité informatique"]),
        "cloud": ("cloud computing", ["informatique en nuage"]),
        "avionics": ("maintenance aéronautique", ["maintenance d'aéronefs"]),
        "project": ("gestion de projets", ["conduite de projet"]),
    }
    result = {}
    for key, (label, alt) in rows.items():
        esco = EscoSkillFactory(
            uri=f"http://data.europa.eu/esco/skill/t-{key}", label_fr=label, alt_labels_fr=alt
        )
        result[key] = SkillFactory(esco_skill=esco, label=label)
    from filiere.matching import gazetteer

    gazetteer.reset_gazetteer()
    return result
