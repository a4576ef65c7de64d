"""Pages of consultations: each role's status codes, the section's diff and forms, exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from filiere.consultations import services
from filiere.consultations.models import Answer, Contribution, Kind, NodeType, Support
from filiere.consultations.space import section
from filiere.events import services as events_services
from filiere.events.tests.factories import make_event
from filiere.roadmaps.tests.factories import UserFactory

from .factories import participant, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def section_url(w):
    return reverse("consultations:section", args=[w.process.pk, "action", w.action.pk])


def test_public_pages_open_to_anonymous(client, w):
    for url in [
        reverse("consultations:list"),
        reverse("consultations:detail", args=[w.process.pk]),
        section_url(w),
        reverse("consultations:versions", args=[w.process.pk]),
        reverse("consultations:version", args=[w.process.pk, 1]),
        reverse("consultations:action", args=[w.process.pk, w.action.pk]),
        reverse("consultations:results", args=[w.process.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_roles_on_private_pages(client, w):
    urls = [
        reverse("consultations:moderation", args=[w.process.pk]),
        reverse("consultations:answers", args=[w.process.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(w.team)
    for url in urls:
        assert client.get(url).status_code == 200
    w.process.moderators.add(moderator := UserFactory())
    client.force_login(moderator)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[1]).status_code == 403


def test_unpublished_process_is_404_for_others(client):
    draft = world(published=False)
    client.force_login(UserFactory())
    assert client.get(reverse("consultations:detail", args=[draft.process.pk])).status_code == 404
    client.force_login(draft.team)
    assert client.get(reverse("consultations:detail", args=[draft.process.pk])).status_code == 200


def test_unknown_section_is_404(client, w):
    assert (
        client.get(reverse("consultations:section", args=[w.process.pk, "action", 999999])).status_code == 404
    )
    assert (
        client.get(reverse("consultations:section", args=[w.process.pk, "nope", w.action.pk])).status_code
        == 404
    )


def test_join_amend_and_see_the_diff(client, w):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("consultations:join", args=[w.process.pk]),
        {"pseudonym": "Léa", "visibility": "pseudonym", "actor_kind": "cluster", "consent": "on"},
    )
    assert response.status_code == 302
    body = "Animer et fédérer l'écosystème numérique dans chaque département."
    response = client.post(section_url(w), {"kind": "amendment", "field": "description", "body": body})
    assert response.status_code == 302
    page = client.get(section_url(w)).content.decode()
    assert "<ins>et fédérer</ins>" in page and "Léa" in page


def test_empty_and_script_contributions_refused_on_the_form(client, w):
    client.force_login(participant(w.process))
    response = client.post(section_url(w), {"kind": "comment", "body": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "vide" in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not Contribution.objects.exists()


def test_double_support_says_so_and_records_once(client, w):
    c = services.contribute(
        by=participant(w.process),
        process=w.process,
        kind=Kind.AMENDMENT,
        node_type=NodeType.ACTION,
        node_id=w.action.pk,
        field="title",
        body="Animer l'écosystème partout",
    )
    client.force_login(participant(w.process))
    url = reverse("consultations:support", args=[c.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "un seul soutien" in response.content.decode()
    assert Support.objects.count() == 1


def test_team_answers_in_bulk_then_publishes_a_version(client, w):
    c = services.contribute(
        by=participant(w.process),
        process=w.process,
        kind=Kind.AMENDMENT,
        node_type=NodeType.ACTION,
        node_id=w.action.pk,
        field="title",
        body="Animer l'écosystème partout",
    )
    client.force_login(w.team)
    response = client.post(
        reverse("consultations:answers", args=[w.process.pk]),
        {"ids": [c.pk], "answer": "accepted", "reason": "Oui."},
    )
    assert response.status_code == 302
    response = client.post(reverse("consultations:versions", args=[w.process.pk]), {"note": "v2"})
    assert response.status_code == 302
    page = client.get(reverse("consultations:action", args=[w.process.pk, w.action.pk])).content.decode()
    assert f"n° {c.pk}" in page and "<ins>partout</ins>" in page
    assert Contribution.objects.get().answer == Answer.ACCEPTED


def test_exports_and_anonymised_open_data(client, w):
    participant_user = participant(w.process, pseudonym="SecretPseudo")
    services.contribute(
        by=participant_user,
        process=w.process,
        kind=Kind.COMMENT,
        node_type=NodeType.ACTION,
        node_id=w.action.pk,
        body='=HYPERLINK("x") bonne idée',
    )
    for fmt, magic in [("pdf", b"%PDF"), ("xlsx", b"PK"), ("ods", b"PK")]:
        response = client.get(reverse("consultations:results_export", args=[w.process.pk, fmt]))
        assert response.status_code == 200 and response.content.startswith(magic), fmt
    assert client.get(reverse("consultations:results_export", args=[w.process.pk, "exe"])).status_code == 404
    text = b"".join(
        client.get(reverse("consultations:open_data", args=[w.process.pk])).streaming_content
    ).decode()
    assert "SecretPseudo" not in text and participant_user.username not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["type_acteur"] == "entrepreneur" and rows[0]["texte"].startswith("'=")


def test_english_page(client, w):
    response = client.get(reverse("consultations:detail", args=[w.process.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200


def test_workshop_from_events_with_attendance_and_conclusions(client, w):
    event = make_event(title="Journée de co-construction", capacity=220)
    attendee = UserFactory()
    events_services.register(event=event, user=attendee)
    client.force_login(w.team)
    workshops = w.process.phases.get(kind="workshops")
    response = client.post(
        reverse("consultations:meeting_link", args=[w.process.pk]), {"event": 999999, "phase": workshops.pk}
    )
    assert response.status_code == 200 and "Aucun événement" in response.content.decode()
    response = client.post(
        reverse("consultations:meeting_link", args=[w.process.pk]), {"event": event.pk, "phase": workshops.pk}
    )
    assert response.status_code == 302
    meeting = w.process.meetings.get()
    url = reverse("consultations:meeting", args=[w.process.pk, meeting.pk])
    response = client.post(
        url,
        {
            "section": f"objective:{w.objective.pk}",
            "title": "",
            "body": "Créer un événement annuel tournant.",
        },
    )
    assert response.status_code == 302
    conclusion = Contribution.objects.get(kind=Kind.CONCLUSION)
    assert conclusion.phase == workshops and conclusion.meeting == meeting and conclusion.title == event.title
    page = client.get(url).content.decode()
    assert "1 inscrits" in page and "Créer un événement annuel tournant." in page
    client.force_login(UserFactory())
    assert client.post(url, {"section": f"objective:{w.objective.pk}", "body": "x"}).status_code == 403
    assert client.get(reverse("consultations:meeting_link", args=[w.process.pk])).status_code == 403


def test_join_never_redirects_off_site(client, w):
    client.force_login(UserFactory())
    url = reverse("consultations:join", args=[w.process.pk]) + "?next=https://evil.example/"
    response = client.post(
        url, {"pseudonym": "Léa", "visibility": "name", "actor_kind": "citizen", "consent": "on"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "consultations:detail", args=[w.process.pk]
    )


def test_personal_space_links_each_role_to_its_pages(w):
    user = participant(w.process)
    assert reverse("consultations:detail", args=[w.process.pk]) in [link.url for link in section(user).links]
    team_urls = [link.url for link in section(w.team).links]
    assert reverse("consultations:moderation", args=[w.process.pk]) in team_urls
    assert reverse("consultations:answers", args=[w.process.pk]) in team_urls
    assert reverse("consultations:moderation", args=[w.process.pk]) not in [
        link.url for link in section(user).links
    ]
