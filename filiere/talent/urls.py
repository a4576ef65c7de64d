from django.urls import path

from . import views

app_name = "talent"
urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/tableau-de-bord/", views.dashboard, name="dashboard"),
    path("promotions/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("dossiers/<int:pk>/", views.file_detail, name="file_detail"),
    path("personnes/", views.seeker_list, name="seeker_list"),
    path("personnes/nouvelle/", views.seeker_create, name="seeker_create"),
    path("personnes/<int:pk>/", views.seeker_detail, name="seeker_detail"),
    path("personnes/<int:pk>/export.json", views.seeker_export, name="seeker_export"),
    path("personnes/<int:pk>/effacer/", views.seeker_erase, name="seeker_erase"),
    path("personnes/<int:pk>/offres/<int:offer_pk>/", views.gap, name="gap"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("suggestions/communes/", views.suggest_communes, name="suggest_communes"),
    path("suggestions/metiers/", views.suggest_appellations, name="suggest_appellations"),
    path("offres/", views.offer_list, name="offer_list"),
    path("offres/nouvelle/", views.offer_create, name="offer_create"),
    path("offres/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offres/<int:pk>/modifier/", views.offer_edit, name="offer_edit"),
    path("offres/<int:pk>/candidatures/", views.offer_applications, name="offer_applications"),
    path("candidatures/", views.application_inbox, name="application_inbox"),
    path("candidatures/<int:pk>/", views.application_detail, name="application_detail"),
]
