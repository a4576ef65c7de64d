from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.process_list, name="list"),
    path("nouvelle/", views.process_create, name="create"),
    path("<int:pk>/", views.process_detail, name="detail"),
    path("<int:pk>/phases/", views.phases, name="phases"),
    path("<int:pk>/publier/", views.publish, name="publish"),
    path("<int:pk>/participer/", views.join, name="join"),
    path("<int:pk>/mes-donnees/effacer/", views.erase, name="erase"),
    path("<int:pk>/section/<str:node_type>/<int:node_id>/", views.section, name="section"),
    path("contribution/<int:pk>/soutenir/", views.support, name="support"),
    path("contribution/<int:pk>/signaler/", views.report, name="report"),
    path("contribution/<int:pk>/moderer/", views.moderate, name="moderate"),
    path("<int:pk>/moderation/", views.moderation_queue, name="moderation"),
    path("<int:pk>/reponses/", views.answers, name="answers"),
    path("<int:pk>/versions/", views.version_list, name="versions"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/action/<int:action_id>/", views.action_trace, name="action"),
    path("<int:pk>/reunions/", views.meeting_link, name="meeting_link"),
    path("<int:pk>/reunions/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/resultats/", views.results, name="results"),
    path("<int:pk>/resultats.<str:fmt>", views.results_export, name="results_export"),
    path("<int:pk>/contributions.csv", views.open_data, name="open_data"),
]
