from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from filiere.api import api
from filiere.core import views as core_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # Before Django's: the switch returns to the same page under its other language's address.
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("comptes/", include("filiere.accounts.urls")),
    path("comptes/", include("filiere.organisations.members_urls")),
    path("territoires/", include("filiere.territories.urls")),
    path("annuaire/", include("filiere.organisations.urls")),
    path("feuilles-de-route/", include("filiere.roadmaps.urls")),
    path("vitrine/", include("filiere.showcase.urls")),
    path("correspondances/", include("filiere.matching.urls")),
    path("formations/", include("filiere.training.urls")),
    path("talents/", include("filiere.talent.urls")),
    path("besoins/", include("filiere.needs.urls")),
    path("accompagnement/", include("filiere.support.urls")),
    path("observatoire/", include("filiere.observatory.urls")),
    path("evenements/", include("filiere.events.urls")),
    path("gouvernance/", include("filiere.governance.urls")),
    path("rendez-vous/", include("filiere.meetings.urls")),
    path("consultations/", include("filiere.consultations.urls")),
]
# Public pages meant to be shared in English too: French unprefixed, English under /en/ (the
# language of the prefix wins over the language cookie, core.middleware.FrenchFirstLocaleMiddleware).
urlpatterns += i18n_patterns(
    path("decouvrir/", include("filiere.promotion.urls")),
    path("metiers/", include("filiere.promotion.occupation_urls")),
    prefix_default_language=False,
)
urlpatterns += [path("", include("filiere.core.urls"))]

# Error pages in the site's layout and language: 400, 403 and 404 are Django's handlers with our
# templates (rendered with the request); 500 renders without it (core.views.server_error).
handler500 = "filiere.core.views.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
