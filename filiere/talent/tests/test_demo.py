"""The NEGE demo reproduces the seed's figures and loads twice without change."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from filiere.talent import selectors
from filiere.talent.demo import DEMO_PASSWORD, PROGRAMME, load_talent_demo
from filiere.talent.models import Application, ApplicationStatus, File, JobOffer, Programme


def test_demo_has_the_seed_figures_and_is_idempotent(reference_territories, settings):
    settings.DEBUG = True  # as under `make run`
    first = load_talent_demo()
    board = selectors.programme_dashboard(Programme.objects.get(name=PROGRAMME))
    assert len(board.by_year) == 3
    for year in board.by_year:
        assert 470 <= year.files <= 530
        assert 170 <= year.trainees <= 230
        assert 85 <= year.back_to_work_rate <= 95
    assert JobOffer.objects.count() >= 200
    assert get_user_model().objects.get(username="conseiller-nege").check_password(DEMO_PASSWORD)
    assert not JobOffer.objects.filter(description__contains="démo").exists()  # no internal note on pages
    recruiter = get_user_model().objects.get(username="recruteuse-demo")
    received = list(selectors.applications_received(recruiter).values_list("status", flat=True))
    assert ApplicationStatus.PROCESSING in received and len(received) >= 2
    files, offers, applications = File.objects.count(), JobOffer.objects.count(), Application.objects.count()
    second = load_talent_demo()
    assert File.objects.count() == files and JobOffer.objects.count() == offers
    assert Application.objects.count() == applications
    assert dict(first) == dict(second)


def test_demo_advisers_get_no_usable_password_outside_development(reference_territories, settings):
    settings.DEBUG = False
    load_talent_demo()
    adviser = get_user_model().objects.get(username="conseiller-nege")
    assert not adviser.has_usable_password()
