import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_page_is_in_french_by_default(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()


@pytest.mark.django_db
def test_sources_page_names_every_licence(client):
    body = client.get(reverse("core:sources")).content.decode()
    for licence in ("Licence Ouverte", "ODbL", "ESCO classification of the European Commission"):
        assert licence in body
