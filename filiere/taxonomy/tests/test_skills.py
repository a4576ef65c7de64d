"""The Skill concept: official skills are shared, local ones belong to one organisation."""

from __future__ import annotations

from filiere.taxonomy import selectors

from .factories import SkillFactory


def test_organisation_sees_official_and_its_own_local_skills(db):
    esco = SkillFactory(esco=True)
    rome = SkillFactory(rome=True)
    mine = SkillFactory(owner_organisation_id=1)
    SkillFactory(owner_organisation_id=2)
    assert set(selectors.skills_for_organisation(1)) >= {esco, rome, mine}
    assert not selectors.skills_for_organisation(1).filter(owner_organisation_id=2).exists()
    assert str(esco) == esco.label and esco.esco_skill.skill is not None
