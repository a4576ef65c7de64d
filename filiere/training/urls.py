from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.course_search, name="course_search"),
    path("<int:pk>/", views.course_detail, name="course_detail"),
    path("nouvelle/", views.course_create, name="course_create"),
    path("<int:pk>/modifier/", views.course_edit, name="course_edit"),
    path("<int:pk>/sessions/nouvelle/", views.session_edit, name="session_create"),
    path("<int:pk>/sessions/<int:session_pk>/", views.session_edit, name="session_edit"),
    path("importer/", views.import_offer, name="import"),
    path("carte/", views.offer_map, name="offer_map"),
    path("reconversion/", views.reconversion, name="reconversion"),
]
