from django.urls import path

from . import views

app_name = "observatory"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("comparer/", views.compare, name="compare"),
    path("changements/", views.changes, name="changes"),
    path("<slug:level>/<str:code>/", views.territory, name="territory"),
]
