from django.urls import path

from . import views

app_name = "roadmaps"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("nouveau/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/modifier/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/structure/", views.plan_structure, name="plan_structure"),
    path("<int:pk>/axes/ajouter/", views.axis_create, name="axis_create"),
    path("<int:pk>/indicateurs/ajouter/", views.indicator_create, name="indicator_create"),
    path("<int:pk>/export.xlsx", views.plan_export, name="plan_export"),
    path("<int:pk>/import/", views.plan_import, name="plan_import"),
    path("<int:pk>/historique/", views.plan_activity, name="plan_activity"),
    path("<int:pk>/calculer/", views.plan_refresh, name="plan_refresh"),
    path("axes/<int:pk>/", views.axis_edit, name="axis_edit"),
    path("axes/<int:pk>/objectifs/ajouter/", views.objective_create, name="objective_create"),
    path("objectifs/<int:pk>/", views.objective_edit, name="objective_edit"),
    path("objectifs/<int:pk>/actions/ajouter/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/etapes/ajouter/", views.step_add, name="step_add"),
    path("indicateurs/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicateurs/<int:pk>/modifier/", views.indicator_edit, name="indicator_edit"),
    path("indicateurs/<int:pk>/cibles/ajouter/", views.target_add, name="target_add"),
    path("<slug:kind>/<int:pk>/supprimer/", views.node_delete, name="node_delete"),
    path("<slug:kind>/<int:pk>/deplacer/", views.node_move, name="node_move"),
]
