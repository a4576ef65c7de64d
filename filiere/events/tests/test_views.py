"""Pages: public list and page, registration, ticket, check-in (HTML and JSON), feeds, mail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from filiere.accounts.models import Role
from filiere.events import services
from filiere.events.models import Event, Registration, RegistrationStatus
from filiere.events.tickets import read_code, ticket_code

from .factories import UserFactory, cluster, make_event, staff_of

pytestmark = pytest.mark.django_db


def test_public_list_shows_upcoming_and_past_published_events(client: Any) -> None:
    make_event(title="Conext Days 2027")
    make_event(title="Brouillon secret", is_published=False)
    make_event(
        title="Conext Days 2025",
        starts_at=timezone.now() - dt.timedelta(days=300),
        ends_at=timezone.now() - dt.timedelta(days=300) + dt.timedelta(hours=8),
    )
    upcoming = client.get(reverse("events:list")).content.decode()
    assert "Conext Days 2027" in upcoming and "2025" not in upcoming and "Brouillon" not in upcoming
    past = client.get(reverse("events:list"), {"quand": "passes"}).content.decode()
    assert "Conext Days 2025" in past and "Conext Days 2027" not in past


def test_list_filters_by_theme_kind_and_online(client: Any) -> None:
    make_event(title="Atelier cyber", kind="workshop", themes=["cybersécurité"])
    make_event(title="Webinaire IA", kind="webinar", themes=["IA"], online_url="https://visio.example/ia")
    page = client.get(reverse("events:list"), {"theme": "cybersécurité"}).content.decode()
    assert "Atelier cyber" in page and "Webinaire IA" not in page
    page = client.get(reverse("events:list"), {"type": "webinar"}).content.decode()
    assert "Webinaire IA" in page and "Atelier cyber" not in page
    page = client.get(reverse("events:list"), {"en_ligne": "1", "page": "nonsense"}).content.decode()
    assert "Webinaire IA" in page and "Atelier cyber" not in page


def test_list_in_english(client: Any) -> None:
    make_event()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("events:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Past events" in page or "See past events" in page


def test_draft_is_hidden_from_others_and_seen_by_its_staff(client: Any) -> None:
    event = make_event(is_published=False)
    client.force_login(UserFactory())
    assert client.get(reverse("events:detail", args=[event.pk])).status_code == 404
    client.force_login(staff_of(event.organiser))
    assert client.get(reverse("events:detail", args=[event.pk])).status_code == 200


def test_online_link_only_for_confirmed_people(client: Any) -> None:
    event = make_event(online_url="https://visio.example/secret", capacity=1)
    url = reverse("events:detail", args=[event.pk])
    assert "visio.example/secret" not in client.get(url).content.decode()
    user = UserFactory()
    services.register(event=event, user=user)
    client.force_login(user)
    assert "visio.example/secret" in client.get(url).content.decode()


def test_register_past_capacity_waitlists_with_a_clear_message(client: Any) -> None:
    event = make_event(capacity=1)
    services.register(event=event, user=UserFactory())
    client.force_login(UserFactory())
    response = client.post(reverse("events:register", args=[event.pk]), {"organisation": ""}, follow=True)
    assert "liste d&#x27;attente" in response.content.decode()
    assert Registration.objects.filter(status=RegistrationStatus.WAITLISTED).count() == 1


def test_register_for_a_firm_one_is_not_member_of_is_refused(client: Any) -> None:
    event = make_event()
    other = cluster("Autre")
    client.force_login(UserFactory())
    response = client.post(
        reverse("events:register", args=[event.pk]), {"organisation": other.pk}, follow=True
    )
    assert "Choisissez une de vos organisations" in response.content.decode()
    assert not Registration.objects.exists()


def test_confirmation_mail_in_french_with_absolute_links_and_the_ics(
    client: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(title="Conext Days", online_url="https://visio.example/cd")
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:register", args=[event.pk]), {"organisation": ""})
    registration = Registration.objects.get()
    assert response["Location"] == reverse("events:ticket", args=[registration.pk])
    [mail] = mailoutbox
    assert mail.subject == "Inscription confirmée : Conext Days"
    assert f"https://filiere.example/evenements/inscriptions/{registration.pk}/billet/" in mail.body
    name, content, mimetype = mail.attachments[0]
    assert (name, mimetype) == ("evenement.ics", "text/calendar")
    vevent = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(vevent["summary"]) == "Conext Days"
    assert "https://visio.example/cd" in str(vevent["description"])


def test_confirmation_mail_in_english_for_an_english_speaker(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(title="Conext Days")
    user = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.register(event=event, user=user)
    [mail] = mailoutbox
    assert mail.subject == "Registration confirmed: Conext Days"
    assert "https://filiere.example/" in mail.body and "Bonjour" not in mail.body


def test_ticket_shows_a_qr_code_holding_a_signed_check_in_address(client: Any) -> None:
    event = make_event()
    user = UserFactory()
    registration = services.register(event=event, user=user)
    client.force_login(user)
    page = client.get(reverse("events:ticket", args=[registration.pk])).content.decode()
    assert "<svg" in page
    code = ticket_code(registration.pk, event.pk)
    assert code in page
    scanned = read_code(f"https://filiere.example/evenements/{event.pk}/accueil/?code={code}")
    assert scanned is not None and scanned.registration_id == registration.pk


def test_someone_elses_ticket_is_hidden(client: Any) -> None:
    registration = services.register(event=make_event(), user=UserFactory())
    client.force_login(UserFactory())
    assert client.get(reverse("events:ticket", args=[registration.pk])).status_code == 404


def test_check_in_page_records_a_code_once_and_says_so(client: Any) -> None:
    event = make_event()
    registration = services.register(event=event, user=UserFactory(first_name="Ada", last_name="L"))
    client.force_login(staff_of(event.organiser, Role.MEMBER))
    url = reverse("events:check_in", args=[event.pk])
    code = ticket_code(registration.pk, event.pk)
    assert client.get(url, {"code": code}).status_code == 200  # the scanned address: a form, no write
    assert Registration.objects.get().checked_in_at is None
    first = client.post(url, {"code": code}).content.decode()
    second = client.post(url, {"code": code}).content.decode()
    assert "bienvenue" in first and "déjà enregistrée" in second
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1


def test_check_in_json_answers_for_the_offline_queue(client: Any) -> None:
    event = make_event()
    registration = services.register(event=event, user=UserFactory())
    client.force_login(staff_of(event.organiser))
    url = reverse("events:check_in", args=[event.pk])
    ok = client.post(url, {"code": ticket_code(registration.pk, event.pk)}, HTTP_ACCEPT="application/json")
    assert ok.json()["ok"] is True and ok.json()["already"] is False
    bad = client.post(url, {"code": "12-34:forged"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and bad.json() == {
        "ok": False,
        "message": "Code invalide : ce billet n'a pas été émis par la plateforme.",
    }


def test_check_in_from_the_list(client: Any) -> None:
    event = make_event()
    registration = services.register(event=event, user=UserFactory())
    client.force_login(staff_of(event.organiser))
    response = client.post(reverse("events:check_in", args=[event.pk]), {"registration": registration.pk})
    assert response.status_code == 302
    assert Registration.objects.get().checked_in_at is not None


def test_check_in_page_has_no_inline_script(client: Any) -> None:
    event = make_event()
    client.force_login(staff_of(event.organiser))
    page = client.get(reverse("events:check_in", args=[event.pk])).content.decode()
    assert "<script src=" in page and "<script>" not in page
    assert len(page) < 4000  # a small page for a poor connection


def test_create_event_with_a_clear_error_for_an_unknown_partner(client: Any) -> None:
    organiser = cluster()
    client.force_login(staff_of(organiser))
    data = {
        "organiser": organiser.pk,
        "title": "Atelier cybersécurité",
        "kind": "workshop",
        "starts_at": "2027-03-01T09:00",
        "ends_at": "2027-03-01T12:00",
        "venue": "Salle A",
        "capacity": "20",
        "offer_hours": "48",
        "is_published": "on",
        "partners_text": "Nicéphore Cité\nInconnue SA",
    }
    response = client.post(reverse("events:create"), data)
    assert response.status_code == 400
    assert "ligne 2 : « Inconnue SA »" in response.content.decode()
    assert not Event.objects.exists()
    data["partners_text"] = ""
    response = client.post(reverse("events:create"), data)
    event = Event.objects.get()
    assert response["Location"] == reverse("events:detail", args=[event.pk])
    assert event.region_code == "27" and event.capacity == 20


def test_event_needs_a_place_or_a_link(client: Any) -> None:
    organiser = cluster()
    client.force_login(staff_of(organiser))
    data = {"organiser": organiser.pk, "title": "X", "kind": "workshop", "starts_at": "2027-03-01T09:00",
            "ends_at": "2027-03-01T12:00", "offer_hours": "48"}  # fmt: skip
    response = client.post(reverse("events:create"), data)
    assert response.status_code == 400 and "lien en ligne" in response.content.decode()


def test_cancel_then_confirm_an_offer_through_the_pages(client: Any) -> None:
    event = make_event(capacity=1)
    first, second = UserFactory(), UserFactory()
    seat = services.register(event=event, user=first)
    waiting = services.register(event=event, user=second)
    client.force_login(first)
    client.post(reverse("events:cancel", args=[seat.pk]))
    client.force_login(second)
    assert "Confirmer la place" in client.get(reverse("events:my_registrations")).content.decode()
    response = client.post(reverse("events:confirm", args=[waiting.pk]))
    assert response["Location"] == reverse("events:ticket", args=[waiting.pk])


def test_confirming_an_expired_offer_shows_the_deadline(client: Any) -> None:
    event = make_event(capacity=1)
    first, second = UserFactory(), UserFactory()
    seat = services.register(event=event, user=first)
    waiting = services.register(event=event, user=second)
    services.cancel_registration(registration=seat, by=first)
    Registration.objects.filter(pk=waiting.pk).update(offer_expires_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(second)
    page = client.post(reverse("events:confirm", args=[waiting.pk]), follow=True).content.decode()
    assert "a expiré le" in page


def test_personal_feed_holds_confirmed_events_with_the_online_link(client: Any) -> None:
    user = UserFactory()
    services.register(event=make_event(title="Webinaire", online_url="https://visio.example/w"), user=user)
    full = make_event(title="Complet", capacity=0)
    services.register(event=full, user=user)  # waitlisted: not in the feed
    feed = services.feed_for_user(user)
    response = client.get(reverse("events:feed", args=[feed.token]))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Webinaire"]
    assert "https://visio.example/w" in str(events[0]["description"])
    assert client.get(reverse("events:feed", args=["not-a-token"])).status_code == 404


def test_organisation_feed_and_yearly_figures(client: Any) -> None:
    organiser = cluster()
    past = make_event(
        organiser=organiser,
        starts_at=timezone.now() - dt.timedelta(days=3),
        ends_at=timezone.now() - dt.timedelta(days=3) + dt.timedelta(hours=2),
    )
    came: Any = UserFactory()
    missed: Any = UserFactory()
    for user in (came, missed):
        Registration.objects.create(event=past, user=user, status=RegistrationStatus.CONFIRMED,
                                    sequence=user.pk)  # fmt: skip
    Registration.objects.filter(user=came).update(checked_in_at=timezone.now() - dt.timedelta(days=3))
    client.force_login(staff_of(organiser))
    page = client.get(reverse("events:organiser_figures", args=[organiser.pk])).content.decode()
    assert "50 %" in page
    feed = services.feed_for_organisation(organiser)
    assert (
        len(Calendar.from_ical(client.get(reverse("events:feed", args=[feed.token])).content).walk("VEVENT"))
        == 1
    )
