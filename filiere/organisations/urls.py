from django.urls import path, re_path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.search, name="search"),
    re_path(r"^export\.(?P<fmt>csv|xlsx|ods)$", views.export, name="export"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/modifier/", views.organisation_edit, name="edit"),
]
