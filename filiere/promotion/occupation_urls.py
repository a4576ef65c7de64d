from django.urls import path

from . import occupation_views as views

app_name = "occupations"
urlpatterns = [
    path("", views.occupation_list, name="list"),
    path("quiz/", views.quiz, name="quiz"),
    path("<str:code>/", views.occupation_detail, name="detail"),
]
