from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "filiere.promotion"
    label = "promotion"
    verbose_name = _("Pages régionales publiques")
    demo_loader = "filiere.promotion.demo.load_promotion_demo"
    space_section = "filiere.promotion.space.section"
    demo_accounts = "filiere.promotion.demo.demo_accounts"
