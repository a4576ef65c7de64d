from django.urls import path

from . import views

app_name = "showcase"
urlpatterns = [
    path("", views.search, name="search"),
    path("demandes/", views.requests, name="requests"),
    path("demandes/", views.requests, name="inbox"),
    path("demandes/<int:contact_id>/etat/", views.contact_status, name="contact_status"),
    path("validation/", views.validation, name="validation"),
    path("recherches/", views.saved_searches, name="saved_searches"),
    path("recherches/enregistrer/", views.save_search, name="save_search"),
    path(
        "territoire/<str:region_code>/transferabilite/",
        views.territory_transferability,
        name="territory_transferability",
    ),
    path("<int:org_id>/", views.profile, name="profile"),
    path("<int:org_id>/contacter/", views.contact, name="contact"),
    path("<int:org_id>/modifier/", views.edit, name="edit"),
    path("<int:org_id>/transferabilite/", views.transferability, name="transferability"),
]
