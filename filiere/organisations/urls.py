from django.urls import path, re_path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.search, name="search"),
    re_path(r"^export\.(?P<fmt>csv|xlsx|ods)$", views.export, name="export"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/fichier", views.export_download, name="export_download"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/modifier/", views.organisation_edit, name="edit"),
]
