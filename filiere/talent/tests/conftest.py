"""Fixtures of the talent tests: a small hand-built taxonomy, fresh engine caches, fast hashing."""

from __future__ import annotations

from typing import Any

import pytest

from .factories import EscoSkillFactory, SkillFactory


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_engine(settings: Any, tmp_path_factory: Any) -> Any:
    """The matching engine with its caches emptied (each test's taxonomy is hand-built)."""
    from filiere.matching import gazetteer, services
    from filiere.talent import geo

    settings.MATCHING_CACHE_DIR = str(tmp_path_factory.mktemp("matching"))
    gazetteer.reset_gazetteer()
    services.reset_caches()
    geo.reset()
    yield
    gazetteer.reset_gazetteer()
    services.reset_caches()
    geo.reset()


@pytest.fixture
def skills(db: None) -> dict[str, Any]:
    """Six ESCO-backed skills with the alternative labels people type."""
    rows = {
        "java": ("Java (programmation informatique)", ["Java"]),
        "sql": ("SQL", ["langage SQL", "bases de données SQL"]),
        "js": ("JavaScript", ["JS"]),
        "linux": ("Linux", ["administration Linux"]),
        "security": ("cybersécurité", ["sécurité informatique"]),
        "excel": ("utiliser un tableur", ["Excel"]),
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
