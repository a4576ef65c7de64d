from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sources/", views.sources, name="sources"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("contact/", views.contact, name="contact"),
    path("plan-du-site/", views.sitemap, name="sitemap"),
    path("theme.css", views.theme, name="theme_css"),
    path("comptes-de-demonstration/", views.demo_accounts, name="demo_accounts"),
]
