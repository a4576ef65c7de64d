from django.urls import path

from . import views

app_name = "needs"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("ecarts/", views.gaps, name="gaps"),
    path("mes-enquetes/", views.my_surveys, name="my_surveys"),
    path("campagnes/nouvelle/", views.campaign_create, name="campaign_create"),
    path("campagnes/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campagnes/<int:pk>/modifier/", views.campaign_edit, name="campaign_edit"),
    path("campagnes/<int:pk>/resultats/", views.campaign_results, name="campaign_results"),
    path("campagnes/<int:pk>/contacts/", views.campaign_contacts, name="campaign_contacts"),
    path("campagnes/<int:pk>/invitations.csv", views.campaign_links, name="campaign_links"),
    path(
        "campagnes/<int:pk>/<str:action>/",
        views.campaign_action,
        name="campaign_action",
    ),
    path("reponses/<int:pk>/", views.answer_detail, name="answer_detail"),
    path("enquete/<str:token>/", views.survey, name="survey"),
]
