"""Skill extraction on real ESCO/ROME labels, and cleaning of bad user text."""

from __future__ import annotations

import pytest

from filiere.matching.services import UserTextError, clean_user_text, extract_skills
from filiere.matching.text import normalize_word, tokenize


def labels(text: str) -> dict[str, str]:
    """{label: surface} of the skills found in text."""
    return {m.label.lower(): m.surface for m in extract_skills(text)}


def test_normaliser_merges_plural_feminine_and_accents():
    assert (
        normalize_word("developpeuses")
        == normalize_word("developpeur")
        == normalize_word("développeurs".replace("é", "e"))
    )
    assert [t.norm for t in tokenize("l'Intelligence d'Affaires H/F")] == [
        t.norm for t in tokenize("intelligence affaires")
    ]


def test_accents_or_none(taxonomy):
    assert "cybersécurité" in labels("expertise en cybersécurité")
    assert "cybersécurité" in labels("EXPERTISE EN CYBERSECURITE")


def test_elisions_plurals_and_acronyms(taxonomy):
    found = labels(
        "Maîtrise de l'intelligence artificielle, des méthodes agiles ; IA, ML, RGPD et DevOps (H/F)"
    )
    assert "intelligence artificielle" in found
    assert found["apprentissage automatique"] == "ML"
    assert "devops" in found
    assert any("rgpd" in label for label in found)


def test_english_terms_map_to_french_labels(taxonomy):
    found = labels("Nous faisons du machine learning et de la data science dans le cloud")
    assert found["apprentissage automatique"] == "machine learning"
    assert "science des données" in found
    assert "informatique en nuage (cloud)" in found


def test_typos_are_tolerated(taxonomy):
    found = labels("spécialiste en aprentissage automatque")
    assert found["apprentissage automatique"] == "aprentissage automatque"


def test_spans_point_at_the_original_text(taxonomy):
    text = "<b>Offre</b> : <script>alert('x')</script>Ingénieur·e en Apprentissage Automatique pour le rail"
    for match in extract_skills(text):
        assert text[match.start : match.end] == match.surface
    assert any(m.surface == "Apprentissage Automatique" for m in extract_skills(text))


def test_no_skill_from_plain_words(taxonomy):
    assert extract_skills("bonjour à tous, merci") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "vide"),
        ("   \n ", "vide"),
        ("<script>x()</script>", "vide"),
        ("abc\x00def", "binaire"),
        (b"\xff\xfe\x00a", "binaire"),
    ],
)
def test_bad_input_is_refused_in_french(text, message):
    with pytest.raises(UserTextError) as error:
        clean_user_text(text)
    assert message in error.value.message


def test_undecodable_bytes_are_refused():
    with pytest.raises(UserTextError, match="encodage"):
        clean_user_text("café".encode("latin-1"))


def test_huge_text_is_truncated_with_a_flag():
    clean = clean_user_text("mot " * 30_000)
    assert clean.truncated and len(clean) == 100_000 and clean.original_length == 120_000


def test_scripts_and_tags_are_blanked_keeping_offsets():
    text = "a<script>evil()</script>b<i>c</i>"
    clean = clean_user_text(text)
    assert len(clean) == len(text) and "evil" not in clean and "<" not in clean
