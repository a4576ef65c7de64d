from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "filiere.organisations"
    label = "organisations"
