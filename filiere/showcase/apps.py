from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "filiere.showcase"
    label = "showcase"
