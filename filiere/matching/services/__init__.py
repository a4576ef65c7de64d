"""The matching engine's entry points: skill extraction, indexing, hybrid search, vectors.

Other apps call only these names (and `link_occupations`). Search fuses four channels by
weighted reciprocal-rank fusion, each giving its CANDIDATES best documents:

- lexical: BM25 over the folded, stemmed words of the documents;
- typos: BM25 over the corpus words closest by character trigrams to query words that no
  document contains ("cybersécurtié" → cybersecur);
- skills: overlap between the query's skill concepts and each document's skills (idf-weighted);
- semantic: cosine between the query embedding and the document vectors (exact, numpy), for
  documents whose vector is computed (a background task; a document without one still ranks
  through the other channels).

All four read in-process arrays of the doc_type (`filiere.matching.corpus`), rebuilt when the
index's version token changes, so a search costs a few numpy operations whatever the number of
documents containing a query word. Each hit says in French why it matched ("compétences :
apprentissage automatique ; mots : rail").

One module per seam, every name importable from `filiere.matching.services`: `skills` (skills
named in a text), `index` (writing documents to the index, the in-process caches' version
tokens), `vectors` (documents' embeddings), `search` (the two entry points, fusion), `channels`
(the four channels' scores), `explain` (hits and their French explanation)."""

from __future__ import annotations

# Checking what a person typed and linking occupations, asked through the engine by other apps.
from filiere.matching.occupations import OccupationLink, link_occupations
from filiere.matching.text import CleanText, UserTextError, clean_user_text, truncation_message

from .channels import MAX_TYPO_QUERY_WORDS
from .explain import Hit
from .index import index_documents, index_version, remove_documents, reset_caches, touch_index
from .search import (
    CANDIDATES,
    CHANNELS,
    MAX_QUERY_CHARS,
    MAX_QUERY_SKILLS,
    RRF_K,
    WEIGHTS,
    match_documents,
    search_documents,
)
from .skills import SkillMatch, extract_skill_ids, extract_skills, skill_labels
from .vectors import compute_pending_vectors, pending_vectors

__all__ = [
    "CANDIDATES",
    "CHANNELS",
    "clean_user_text",
    "CleanText",
    "compute_pending_vectors",
    "extract_skill_ids",
    "extract_skills",
    "Hit",
    "index_documents",
    "index_version",
    "link_occupations",
    "match_documents",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_SKILLS",
    "MAX_TYPO_QUERY_WORDS",
    "OccupationLink",
    "pending_vectors",
    "remove_documents",
    "reset_caches",
    "RRF_K",
    "search_documents",
    "skill_labels",
    "SkillMatch",
    "touch_index",
    "truncation_message",
    "UserTextError",
    "WEIGHTS",
]
