from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "filiere.meetings"
    label = "meetings"
    verbose_name = _("Rendez-vous d'affaires")
    space_section = "filiere.meetings.space.section"
