"""The engine's text handling on real ESCO/ROME labels: acronyms, typos, and the typo channel."""

from __future__ import annotations

import numpy as np
import pytest

from filiere.matching import corpus, services
from filiere.matching.models import Document, IndexState
from filiere.matching.text import terms_for


def labels(text: str) -> dict[str, str]:
    return {m.label.lower(): m.surface for m in services.extract_skills(text)}


def test_rpa_acronym_and_its_expansions(taxonomy):
    rpa = "automatisation robotisée des processus (rpa)"
    assert labels("Nous déployons de la RPA chez nos clients")[rpa] == "RPA"
    assert labels("robotic process automation et IA")[rpa] == "robotic process automation"
    assert labels("experts en automatisation robotisée des processus")[rpa] == (
        "automatisation robotisée des processus"
    )


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("aprentissage automatiqe", "apprentissage automatique"),
        ("audit de cybersécurtié", "cybersécurité"),
        ("CYBERSECURTIE industrielle", "cybersécurité"),
    ],
)
def test_typos_in_skill_terms(taxonomy, text, label):
    assert label in labels(text)


def test_h_f_elisions_plural_feminine_and_english_together(taxonomy):
    found = labels("Développeuses H/F : l'apprentissage automatique (machine learning) et les cybersécurités")
    assert found["apprentissage automatique"] in ("apprentissage automatique", "machine learning")
    assert "cybersécurité" in found
    assert labels("machine learning")["apprentissage automatique"] == "machine learning"


DOCS = [
    (1, "Signalisation ferroviaire et maintenance prédictive des caténaires."),
    (2, "Boulangerie artisanale à Toulouse."),
    (3, "Cybersécurité des systèmes industriels."),
]


@pytest.fixture
def indexed(taxonomy, hashing_embedder):
    services.index_documents("firm", DOCS)
    services.compute_pending_vectors(doc_type="firm")


def test_typo_channel_finds_a_word_no_document_spells_that_way(indexed):
    # "catenaires" is not a skill word: only the corpus words can correct it.
    assert services.search_documents("catenaries", doc_type="firm", channels=("lexical",)) == []
    hits = services.search_documents("catenaries", doc_type="firm", channels=("typos",))
    assert [h.doc_id for h in hits] == [1]
    # The word as the document writes it, never the indexed stem ("catenair").
    assert hits[0].explanation == ["mots proches : catenaries → caténaires"]
    assert services.search_documents("catenaries signalisation", doc_type="firm")[0].doc_id == 1


def test_typo_channel_is_silent_when_words_are_known(indexed):
    hits = services.search_documents("boulangerie", doc_type="firm", channels=("typos",))
    assert hits == []


def test_misspelt_skill_query_ranks_the_skill_document_first(indexed):
    hits = services.search_documents("cybersécurtié", doc_type="firm")
    assert hits[0].doc_id == 3 and hits[0].matched_skills == ["cybersécurité"]


def test_restrict_ids_as_a_numpy_array(indexed):
    hits = services.search_documents("ferroviaire boulangerie", doc_type="firm", restrict_ids=np.array([2]))
    assert [h.doc_id for h in hits] == [2]


def test_another_process_write_is_seen_through_the_version_token(indexed):
    assert services.search_documents("boulangerie", doc_type="firm", channels=("lexical",))[0].doc_id == 2
    # Another process adds a document and bumps the token; this process still has its arrays.
    text = "Boulangerie et pâtisserie fine."
    Document.objects.create(doc_type="firm", doc_id=9, text=text, terms=terms_for(text), skill_ids=[])
    IndexState.objects.filter(doc_type="firm").update(docs_version="written-elsewhere")
    corpus._checked.clear()  # the CACHE_CHECK_SECONDS window has passed
    hits = services.search_documents("boulangerie", doc_type="firm", channels=("lexical",))
    assert {h.doc_id for h in hits} == {2, 9}


def test_lexical_scores_prefer_the_rarer_word(taxonomy, hashing_embedder):
    services.index_documents(
        "note", [(1, "rail rail rail"), (2, "rail signalisation"), (3, "rail"), (4, "rail pont")]
    )
    hits = services.search_documents("signalisation rail", doc_type="note", channels=("lexical",))
    assert hits[0].doc_id == 2 and len(hits) == 4


def test_bm25_weights_match_the_formula(taxonomy, hashing_embedder):
    services.index_documents("note", [(1, "rail rail pont"), (2, "pont")])
    data = corpus.get_corpus("note")
    rows, weights, idf = data.postings("rail")
    average = (3 + 1) / 2
    expected = 2 * (corpus.K1 + 1) / (2 + corpus.K1 * (1 - corpus.B + corpus.B * 3 / average))
    assert rows.tolist() == [0] and weights[0] == pytest.approx(expected, rel=1e-5)
    assert idf == pytest.approx(np.log(1 + (2 - 1 + 0.5) / (1 + 0.5)))


def test_the_stemmer_in_use_gives_snowballs_french_stems() -> None:
    """`snowballstemmer` runs Snowball's C build (PyStemmer) when installed: its stems must be
    those of the pure-Python French stemmer, on real words (ESCO's French skill labels)."""
    import csv
    import gzip
    import re
    from pathlib import Path

    from django.conf import settings
    from snowballstemmer.french_stemmer import FrenchStemmer

    from filiere.core.text import fold
    from filiere.matching import text

    path = Path(settings.FILIERE_DATA_DIR) / "esco" / "skills_fr_v1.2.0_merged.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        labels = [
            row["preferredLabel_fr"] for row, _ in zip(csv.DictReader(lines), range(3000), strict=False)
        ]
    words = sorted({w.lower() for label in labels for w in re.findall(r"[^\W\d_]+", label)})
    words += [fold(w) for w in words]
    assert len(words) > 4000
    pure = FrenchStemmer()
    assert [text._stemmer.stemWord(w) for w in words] == [pure.stemWord(w) for w in words]
    assert type(text._stemmer).__module__ == "Stemmer"  # the C build, as pyproject.toml pins it
