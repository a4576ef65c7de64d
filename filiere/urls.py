from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from filiere.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("comptes/", include("filiere.accounts.urls")),
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
    path("rendez-vous/", include("filiere.meetings.urls")),
    path("consultations/", include("filiere.consultations.urls")),
    path("", include("filiere.core.urls")),
]

# Error pages in the site's layout and language: 400, 403 and 404 are Django's handlers with our
# templates (rendered with the request); 500 renders without it (core.views.server_error).
handler500 = "filiere.core.views.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
