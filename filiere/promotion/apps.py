from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from filiere.core.home import Shortcut

# The home page's shortcuts to the app's public pages (core.home).
HOME_SHORTCUTS = [
    Shortcut(
        _("Les métiers du numérique"),
        _("Ce qu'on y fait, comment s'y former, qui embauche près de chez vous."),
        "occupations:list",
        80,
    ),
    Shortcut(
        _("Le numérique en région"),
        _("Chiffres clés, secteurs d'excellence et acteurs de chaque région."),
        "promotion:region_list",
        120,
    ),
]


class PromotionConfig(AppConfig):
    name = "filiere.promotion"
    label = "promotion"
    home_shortcuts = "filiere.promotion.apps.HOME_SHORTCUTS"
    verbose_name = _("Pages régionales publiques")
    demo_loader = "filiere.promotion.demo.load_promotion_demo"
    space_section = "filiere.promotion.space.section"
    demo_accounts = "filiere.promotion.demo.demo_accounts"
