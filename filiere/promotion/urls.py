from django.urls import path

from . import views

app_name = "promotion"
urlpatterns = [
    path("", views.region_list, name="region_list"),
    path("gerer/", views.manage, name="manage"),
    path("gerer/contenus/<int:pk>/", views.entry_edit, name="entry_edit"),
    path("gerer/contenus/<int:pk>/<slug:action>/", views.entry_action, name="entry_action"),
    path("gerer/prospection/<int:pk>/", views.prospect_detail, name="prospect_detail"),
    path("gerer/<str:code>/", views.manage_region, name="manage_region"),
    path("gerer/<str:code>/prospection/", views.prospect_list, name="prospects"),
    path("gerer/<str:code>/prospection/resultats/", views.marketing_results, name="marketing_results"),
    path("gerer/<str:code>/nouveau/<slug:kind>/", views.entry_create, name="entry_create"),
    path("<slug:region>/", views.region_detail, name="region"),
    path("<slug:region>/fiche/", views.region_sheet, name="region_sheet"),
    path("<slug:region>/secteurs/<slug:slug>/", views.excellence_detail, name="excellence"),
    path("<slug:region>/marches/<slug:code>/", views.buyer_sector_detail, name="buyer_sector"),
    path("<slug:region>/clusters/<int:pk>/", views.cluster_detail, name="cluster"),
]
