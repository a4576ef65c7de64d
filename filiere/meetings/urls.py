from django.urls import include, path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("besoins/", include("filiere.meetings.needs.urls")),  # buyers' needs
    path("evenement/<int:event_pk>/programme/", views.programme_create, name="programme_create"),
    path("<int:pk>/", views.programme, name="programme"),
    path("<int:pk>/participer/", views.join, name="join"),
    path("<int:pk>/demander/", views.send_request, name="send_request"),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
    path("<int:pk>/agenda.ics", views.agenda_ics, name="agenda_ics"),
    path("<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("<int:pk>/organisation/", views.manage, name="manage"),
    path("<int:pk>/plan-de-tables/", views.plan, name="plan"),
    path("<int:pk>/plan-de-tables.pdf", views.plan_pdf, name="plan_pdf"),
    path("<int:pk>/import/", views.import_participants, name="import"),
    path("<int:pk>/action/", views.action, name="action"),
    path("<int:pk>/ajouter-demande/", views.add_request, name="add_request"),
    path("<int:pk>/accueil/<int:participant_pk>/", views.check_in, name="check_in"),
    path("demandes/<int:pk>/repondre/", views.answer, name="answer"),
    path("rencontres/<int:pk>/avis/", views.rate, name="rate"),
    path("rencontres/<int:pk>/presence/", views.attendance, name="attendance"),
]
