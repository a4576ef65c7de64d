from django.urls import path

from . import views
from .bodies import views as bodies_views

app_name = "governance"
urlpatterns = [
    path("", views.home, name="home"),
    path("clusters/<int:pk>/", views.cluster, name="cluster"),
    path("clusters/<int:pk>/adherer/", views.apply, name="apply"),
    path("clusters/<int:pk>/appel-cotisations/", views.call_fees, name="call_fees"),
    path("clusters/<int:pk>/releve-bancaire/", views.bank_import, name="bank_import"),
    path("clusters/<int:pk>/comptes/", views.ledger_import, name="ledger_import"),
    path("clusters/<int:pk>/historique/", views.history, name="history"),
    path("clusters/<int:pk>/membres.<str:fmt>", views.export, name="export"),
    path("clusters/<int:pk>/registre/", views.register, name="register"),
    path("colleges/<int:pk>/", views.college, name="college"),
    path("adhesions/<int:pk>/", views.membership, name="membership"),
    path("adhesions/<int:pk>/decision/", views.membership_decide, name="membership_decide"),
    path(
        "adhesions/<int:pk>/contacts/<int:contact_pk>/supprimer/", views.contact_delete, name="contact_delete"
    ),
    path("appels/<int:pk>/paiement/", views.payment, name="payment"),
    path("paiements/<int:pk>/recu.pdf", views.receipt, name="receipt"),
    path("fusions/<int:pk>/", views.merger, name="merger"),
    path("fusions/<int:pk>/fichier/", views.merger_upload, name="merger_upload"),
    path("fusions/<int:pk>/paires/<int:pair_pk>/", views.merger_pair, name="merger_pair"),
    path("fusions/<int:pk>/appliquer/", views.merger_apply, name="merger_apply"),
    path("financements/<int:pk>/", views.funding, name="funding"),
    # Bodies, meetings and decisions (bodies_views.py).
    path("clusters/<int:pk>/instances/", bodies_views.body_list, name="bodies"),
    path("instances/<int:pk>/", bodies_views.body, name="body"),
    path("instances/<int:pk>/modifier/", bodies_views.body_edit, name="body_edit"),
    path("instances/<int:pk>/sieges/<int:seat_pk>/retirer/", bodies_views.seat_remove, name="seat_remove"),
    path(
        "instances/<int:pk>/sieges/<int:seat_pk>/organisation/",
        bodies_views.seat_organisation,
        name="seat_organisation",
    ),
    path("instances/<int:pk>/reunions/nouvelle/", bodies_views.meeting_create, name="meeting_create"),
    path("reunions/<int:pk>/", bodies_views.meeting, name="meeting"),
    path("reunions/<int:pk>/modifier/", bodies_views.meeting_edit, name="meeting_edit"),
    path("reunions/<int:pk>/convoquer/", bodies_views.meeting_convene, name="meeting_convene"),
    path("reunions/<int:pk>/presences/", bodies_views.meeting_attendance, name="meeting_attendance"),
    path("reunions/<int:pk>/proces-verbal/", bodies_views.meeting_minutes, name="meeting_minutes"),
    path("reunions/<int:pk>/decisions/nouvelle/", bodies_views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", bodies_views.decision, name="decision"),
    # Setting the cluster up (views/setup.py): colleges, their rules, fee grid and officers; mergers.
    path("clusters/<int:pk>/colleges/nouveau/", views.college_create, name="college_create"),
    path("clusters/<int:pk>/fusions/nouvelle/", views.merger_create, name="merger_create"),
    path("colleges/<int:pk>/modifier/", views.college_edit, name="college_edit"),
    path("colleges/<int:pk>/regles/", views.college_rules, name="college_rules"),
    path("colleges/<int:pk>/cotisations/", views.college_fees, name="college_fees"),
    path(
        "colleges/<int:pk>/cotisations/<int:band_pk>/supprimer/",
        views.fee_band_delete,
        name="fee_band_delete",
    ),
    path("colleges/<int:pk>/responsables/", views.college_officers, name="college_officers"),
    path(
        "colleges/<int:pk>/responsables/<int:user_pk>/retirer/", views.officer_remove, name="officer_remove"
    ),
    path("fusions/<int:pk>/modifier/", views.merger_edit, name="merger_edit"),
]
