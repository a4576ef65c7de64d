from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "filiere.matching"
    label = "matching"
