from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("nouveau/", views.event_create, name="create"),
    path("mes-inscriptions/", views.my_registrations, name="my_registrations"),
    path("mes-evenements/", views.my_events, name="my_events"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/modifier/", views.event_edit, name="edit"),
    path("<int:pk>/annuler/", views.event_cancel, name="event_cancel"),
    path("<int:pk>/inscription/", views.register, name="register"),
    path("<int:pk>/inscrits/", views.event_registrations, name="registrations"),
    path("<int:pk>/accueil/", views.check_in, name="check_in"),
    path("inscriptions/<int:pk>/billet/", views.ticket, name="ticket"),
    path("inscriptions/<int:pk>/annuler/", views.registration_cancel, name="cancel"),
    path("inscriptions/<int:pk>/confirmer/", views.registration_confirm, name="confirm"),
    path("organisateurs/<int:pk>/bilan/", views.organiser_figures, name="organiser_figures"),
    path("agenda/<str:token>.ics", views.feed, name="feed"),
]
