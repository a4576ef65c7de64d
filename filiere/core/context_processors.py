from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_LOGO_URL": settings.SITE_LOGO_URL,
        # In /theme.css's address, so a new colour is not hidden by a cached stylesheet.
        "THEME_VERSION": settings.SITE_PRIMARY_COLOR.lstrip("#").lower(),
        "OPERATOR_NAME": settings.OPERATOR_NAME,
        # The demo-accounts link in the footer; Django's `debug` processor also needs INTERNAL_IPS.
        "SITE_DEBUG": settings.DEBUG,
        # The app whose pages are shown: its header link gets aria-current (None on a 404).
        "NAV_SECTION": getattr(request.resolver_match, "app_name", ""),
    }
