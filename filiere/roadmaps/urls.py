from django.urls import path

from . import views

app_name = "roadmaps"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/export.xlsx", views.plan_export, name="plan_export"),
    path("<int:pk>/import/", views.plan_import, name="plan_import"),
    path("<int:pk>/historique/", views.plan_activity, name="plan_activity"),
    path("<int:pk>/calculer/", views.plan_refresh, name="plan_refresh"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("indicateurs/<int:pk>/", views.indicator_detail, name="indicator_detail"),
]
