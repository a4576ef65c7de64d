from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "filiere.accounts"
    label = "accounts"
