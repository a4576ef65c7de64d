"""core.loading.upsert and insert_rows on a table with JSON, boolean and defaulted columns."""

from __future__ import annotations

import pytest

from filiere.core.loading import insert_rows, upsert
from filiere.taxonomy.models import EscoSkill, Skill, SkillKind

pytestmark = pytest.mark.django_db


def skill(uri: str, **values: object) -> dict[str, object]:
    return {
        "uri": uri,
        "label_fr": f"compétence {uri}",
        "alt_labels_fr": ["a", "b"],
        "is_digital": False,
        **values,
    }


def test_upsert_creates_then_writes_only_the_changed_rows_and_columns():
    first = upsert(EscoSkill, [skill("s1"), skill("s2"), skill("s1", label_fr="doublon")])
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    s1 = EscoSkill.objects.get(uri="s1")
    assert (s1.label_fr, s1.alt_labels_fr, s1.is_digital) == ("compétence s1", ["a", "b"], False)
    assert (s1.broader_uris, s1.is_transversal, s1.label_en) == ([], False, "")  # field defaults
    EscoSkill.objects.filter(uri="s2").update(label_en="kept")  # not given by the rows: left alone
    second = upsert(EscoSkill, [skill("s1", alt_labels_fr=["a"], is_digital=True), skill("s2")])
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    s1.refresh_from_db()
    assert (s1.alt_labels_fr, s1.is_digital) == (["a"], True)
    assert EscoSkill.objects.get(uri="s2").label_en == "kept"
    third = upsert(EscoSkill, [skill("s1", alt_labels_fr=["a"], is_digital=True), skill("s2")])
    assert (third.created, third.updated, third.unchanged) == (0, 0, 2)


def test_upsert_on_a_natural_key_and_insert_rows_of_several_shapes():
    upsert(EscoSkill, [skill("s1"), skill("s2")])
    insert_rows(
        Skill,
        [
            {"label": "un", "kind": SkillKind.ESCO, "esco_skill_id": "s1"},
            {"label": "libre", "kind": SkillKind.ESCO},
        ],
    )
    assert list(
        Skill.objects.filter(label__in=["un", "libre"]).order_by("pk").values_list("label", "esco_skill_id")
    ) == [
        ("un", "s1"),
        ("libre", None),
    ]
    counts = upsert(
        Skill,
        [{"esco_skill_id": "s1", "label": "un bis"}, {"esco_skill_id": "s2", "label": "deux"}],
        key=("esco_skill_id",),
    )
    assert (counts.created, counts.updated, counts.unchanged) == (1, 1, 0)
    assert Skill.objects.get(esco_skill_id="s1").label == "un bis"
    assert Skill.objects.get(esco_skill_id="s2").kind == ""  # the field's default
