import pytest

from filiere.core.text import _slow_fold, fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cité Numérique", "cite numerique"),
        ("ŒUVRE  d’Ÿvelines\t", "oeuvre d'yvelines"),
        ("Besançon – Franche-Comté", "besancon – franche-comte"),
        ("", ""),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_fast_path_agrees_with_unicode_normalisation_on_every_latin_letter():
    letters = "".join(chr(c) for c in range(0x20, 0x250) if chr(c).isprintable())
    for start in range(0, len(letters), 7):
        chunk = letters[start : start + 7]
        assert fold(chunk) == _slow_fold(chunk), repr(chunk)


def test_capitals_get_back_the_accent_the_nomenclature_gives_elsewhere():
    from filiere.core.text import restore_capital_accents

    labels = {
        "58.29C": "Edition de logiciels applicatifs",
        "58.21Z": "Édition de jeux électroniques",
        "85.59A": "Enseignement supérieur",
    }
    assert restore_capital_accents(labels) == {
        "58.29C": "Édition de logiciels applicatifs",
        "58.21Z": "Édition de jeux électroniques",
        "85.59A": "Enseignement supérieur",  # no "énseignement" anywhere: left alone
    }
