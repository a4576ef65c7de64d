"""Hand-built skills for the tests of the apps that use the matching engine (test code only:
it builds rows with taxonomy's factories)."""

from __future__ import annotations

from typing import Any

from filiere.matching import gazetteer
from filiere.taxonomy.tests.factories import EscoBackedSkillFactory, EscoSkillFactory


def hand_built_skills(rows: dict[str, tuple[str, list[str]]], *, uri_prefix: str = "t-") -> dict[str, Any]:
    """ESCO-backed `Skill` rows from {key: (label, alternative labels)}, then a fresh gazetteer."""
    result = {}
    for key, (label, alt) in rows.items():
        esco = EscoSkillFactory(
            uri=f"http://data.europa.eu/esco/skill/{uri_prefix}{key}", label_fr=label, alt_labels_fr=alt
        )
        result[key] = EscoBackedSkillFactory(esco_skill=esco, label=label)
    gazetteer.reset_gazetteer()
    return result
