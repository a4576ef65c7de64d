from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "filiere.matching"
    label = "matching"
    # `filiere reindex`: every process's caches, missing vectors.
    reindexer = "filiere.matching.reindex.rebuild_index"
