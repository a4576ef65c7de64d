"""Factories for the taxonomy. Codes are fictitious so they never collide with loaded reference data."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from filiere.taxonomy.models import (
    EscoSkill,
    NafCode,
    NafLevel,
    RomeCompetence,
    RomeItemKind,
    Skill,
    SkillKind,
)


class NafCodeFactory(DjangoModelFactory):
    class Meta:
        model = NafCode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"X{n:04d}")
    level = NafLevel.SOUS_CLASSE
    label = factory.Sequence(lambda n: f"Activité {n}")


class EscoSkillFactory(DjangoModelFactory):
    class Meta:
        model = EscoSkill
        django_get_or_create = ("uri",)

    uri = factory.Sequence(lambda n: f"http://example.org/esco/skill/{n}")
    label_fr = factory.Sequence(lambda n: f"compétence ESCO {n}")
    skill_type = "skill/competence"


class RomeCompetenceFactory(DjangoModelFactory):
    class Meta:
        model = RomeCompetence
        django_get_or_create = ("code_ogr",)

    code_ogr = factory.Sequence(lambda n: f"X{n:06d}")
    kind = RomeItemKind.COMPETENCE
    label = factory.Sequence(lambda n: f"Compétence ROME {n}")


class SkillFactory(DjangoModelFactory):
    class Meta:
        model = Skill

    label = factory.Sequence(lambda n: f"Compétence {n}")
    kind = SkillKind.LOCAL

    class Params:
        esco = factory.Trait(kind=SkillKind.ESCO, esco_skill=factory.SubFactory(EscoSkillFactory))
        rome = factory.Trait(kind=SkillKind.ROME, rome_competence=factory.SubFactory(RomeCompetenceFactory))


class EscoBackedSkillFactory(DjangoModelFactory):
    """A `Skill` concept over an ESCO skill, labelled like it (what the apps' tests build on)."""

    class Meta:
        model = Skill

    label = factory.LazyAttribute(lambda s: s.esco_skill.label_fr if s.esco_skill else "compétence locale")
    kind = SkillKind.ESCO
    esco_skill = factory.SubFactory(EscoSkillFactory)
