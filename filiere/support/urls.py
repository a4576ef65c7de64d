from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("mon-entreprise/", views.firm_services, name="firm_services"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/modifier/", views.service_edit, name="service_edit"),
    path("structures/<int:provider_pk>/nouveau-service/", views.service_create, name="service_create"),
    path("mes-services/", views.my_services, name="my_services"),
    path("demande/", views.request_new, name="request_new"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("orientations/<int:pk>/<str:action>/", views.referral_action, name="referral_action"),
    path("a-traiter/", views.inbox, name="inbox"),
    path("avis/<str:token>/", views.survey, name="survey"),
    path("historique/<str:siren>/", views.history, name="history"),
    path("couverture/", views.coverage, name="coverage"),
    path("rapports/<int:pk>/<str:role>/", views.report, name="report"),
]
