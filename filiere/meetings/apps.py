from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "filiere.meetings"
    label = "meetings"
    verbose_name = _("Rendez-vous d'affaires")
    space_section = "filiere.meetings.space.section"
    # `filiere demo` calls this after the directory's and the events' demos.
    demo_loader = "filiere.meetings.demo.load_meetings_demo"
    # The buyers' needs' demo people (the aircraft maker's buyer, an invited firm, the hospital).
    demo_accounts = "filiere.meetings.needs.demo.demo_accounts"
