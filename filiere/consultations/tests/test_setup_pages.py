"""The team sets a consultation up from the pages: open it on a plan, add phases, publish."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from filiere.consultations.models import Phase, PlanVersion, Process
from filiere.roadmaps.tests.factories import PlanFactory, RegionalRoleFactory, UserFactory, region

from .factories import participant, world

pytestmark = pytest.mark.django_db


def test_a_regional_admin_opens_a_consultation_on_a_plan_of_their_region(client):
    plan = PlanFactory(start_date=dt.date(2026, 1, 1), end_date=dt.date(2030, 12, 31))
    team = RegionalRoleFactory(region=plan.region).user
    client.force_login(team)
    listing = client.get(reverse("consultations:list")).content.decode()
    assert reverse("consultations:create") in listing
    response = client.post(
        reverse("consultations:create"), {"plan": plan.pk, "title": "Feuille de route 2030"}
    )
    process = Process.objects.get(plan=plan)
    assert response.status_code == 302 and response.url == reverse("consultations:phases", args=[process.pk])
    assert process.title == "Feuille de route 2030" and not process.is_published
    assert PlanVersion.objects.filter(process=process, number=1).exists()


def test_a_plan_of_another_region_is_not_offered_and_is_refused(client):
    mine = PlanFactory(start_date=dt.date(2026, 1, 1), end_date=dt.date(2030, 12, 31))
    other = PlanFactory(region=region("44"), start_date=dt.date(2026, 1, 1), end_date=dt.date(2030, 12, 31))
    assert other.region_id != mine.region_id
    client.force_login(RegionalRoleFactory(region=mine.region).user)
    page = client.get(reverse("consultations:create")).content.decode()
    assert f'value="{mine.pk}"' in page and f'value="{other.pk}"' not in page
    response = client.post(reverse("consultations:create"), {"plan": other.pk, "title": "Intrus"})
    assert response.status_code == 200 and "plan" in response.context["form"].errors
    assert not Process.objects.exists()


def test_someone_who_edits_no_plan_may_not_open_one(client):
    client.force_login(UserFactory())
    assert client.get(reverse("consultations:create")).status_code == 403
    assert reverse("consultations:create") not in client.get(reverse("consultations:list")).content.decode()


def test_the_team_adds_phases_and_an_overlap_is_named_on_the_field(client):
    w = world(published=False)
    client.force_login(w.team)
    url = reverse("consultations:phases", args=[w.process.pk])
    before = w.process.phases.count()
    last_end = max(p.ends_on for p in w.process.phases.all())
    data = {"kind": "follow_up", "title": "Suivi par l'instance consultative", "may_argue": "on"}
    later = {
        **data,
        "starts_on": last_end + dt.timedelta(days=1),
        "ends_on": last_end + dt.timedelta(days=90),
    }
    assert client.post(url, later).status_code == 302
    assert w.process.phases.count() == before + 1
    assert Phase.objects.get(process=w.process, title=data["title"]).may_argue
    overlapping = {
        **data,
        "title": "Doublon",
        "starts_on": last_end,
        "ends_on": last_end + dt.timedelta(days=3),
    }
    response = client.post(url, overlapping)
    assert response.status_code == 200 and "starts_on" in response.context["form"].errors
    assert w.process.phases.count() == before + 1


def test_the_team_publishes_then_withdraws(client):
    w = world(published=False)
    client.force_login(w.team)
    client.post(reverse("consultations:publish", args=[w.process.pk]), {"published": "1"})
    w.process.refresh_from_db()
    assert w.process.is_published
    client.post(reverse("consultations:publish", args=[w.process.pk]), {"published": "0"})
    w.process.refresh_from_db()
    assert not w.process.is_published


def test_a_participant_may_neither_add_phases_nor_publish(client):
    w = world()
    person = participant(w.process)
    client.force_login(person)
    assert client.get(reverse("consultations:phases", args=[w.process.pk])).status_code == 403
    assert (
        client.post(reverse("consultations:publish", args=[w.process.pk]), {"published": "0"}).status_code
        == 403
    )
    w.process.refresh_from_db()
    assert w.process.is_published
