"""Occupation linking on the real ESCO occupations and ROME appellations."""

from __future__ import annotations

from filiere.matching.occupations import link_occupations, title_words


def esco_labels(title: str, top: int = 3) -> list[str]:
    return [link.label for link in link_occupations(title, top=top, kinds=("esco",), semantic=False)]


def test_title_cleaning():
    assert title_words("Développeur / Développeuse web (H/F) confirmé") == title_words("developpeur web")
    assert title_words("dév. full-stack H/F")[0] == title_words("développeur")[0]


def test_gendered_title_links_web_developer(taxonomy):
    assert "développeur web/développeuse web" in esco_labels("Développeur / Développeuse web")


def test_abbreviated_title(taxonomy):
    assert "développeur web/développeuse web" in esco_labels("dév. full-stack H/F")
    rome = link_occupations("dév. full-stack H/F", top=3, kinds=("rome_appellation",), semantic=False)
    assert rome[0].label == "Développeur / Développeuse full-stack" and rome[0].metier_code == "M1855"


def test_seniority_words_are_ignored(taxonomy):
    assert esco_labels("Data scientist confirmé")[0] == "scientifique des données"
    metiers = link_occupations("Data scientist confirmé", top=1, kinds=("rome_metier",), semantic=False)
    assert metiers[0].code == "M1405"


def test_typo_in_title(taxonomy):
    assert esco_labels("comptabel")[0] == "comptable"
