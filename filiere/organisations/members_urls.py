"""An organisation's people, served under /comptes/ beside the account pages (the paths did not
change when membership administration moved here from accounts): `memberships:<name>`."""

from django.urls import path

from . import views

app_name = "memberships"
urlpatterns = [
    path("organisations/<int:org_id>/membres/", views.members, name="members"),
    path("organisations/<int:org_id>/rejoindre/", views.join, name="join"),
    path("invitations/<int:pk>/renvoyer/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/annuler/", views.invitation_revoke, name="invitation_revoke"),
    path("membres/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("membres/<int:pk>/retirer/", views.membership_remove, name="membership_remove"),
    path("demandes/<int:pk>/decision/", views.join_request_decide, name="join_request_decide"),
    path("region/", views.region_admin, name="region_admin"),
]
