"""URLs of the buyers' needs, included under /rendez-vous/besoins/ in the meetings namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.mine, name="needs_mine"),
    path("recus/", views.received, name="needs_received"),
    path("chiffres/", views.figures, name="needs_figures"),
    path("nouveau/", views.create, name="need_create"),
    path("<int:pk>/", views.detail, name="need"),
    path("<int:pk>/modifier/", views.edit, name="need_edit"),
    path("<int:pk>/publier/", views.publish, name="need_publish"),
    path("<int:pk>/cloturer/", views.close, name="need_close"),
    path("<int:pk>/propositions/", views.proposals, name="need_proposals"),
    path("<int:pk>/diffuser/", views.broadcast, name="need_broadcast"),
    path("<int:pk>/comparer/", views.compare, name="need_compare"),
    path("<int:pk>/comparer.<slug:fmt>", views.compare_export, name="need_compare_export"),
    path("<int:pk>/interet/", views.interest, name="need_interest"),
    path("<int:pk>/suivi/", views.follow_up, name="need_follow_up"),
    path("reponses/<int:pk>/repondre/", views.answer, name="need_answer"),
    path("reponses/<int:pk>/decliner/", views.decline, name="need_decline"),
    path("reponses/<int:pk>/piece-jointe/", views.attachment, name="need_attachment"),
    path("reponses/<int:pk>/<slug:action>/", views.step, name="need_step"),
]
