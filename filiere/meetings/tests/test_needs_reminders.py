"""Buyers' needs: the one reminder to an invited firm that has neither answered nor declined,
7 days after its notification or 3 days before the deadline, never after it, never twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone

from filiere.accounts.models import Role
from filiere.meetings.needs import reminders, services
from filiere.meetings.needs.models import BuyerNeed, NeedInvitation

from .needs_fixtures import fresh_engine_fixture, person_of, post_need, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _invite(
    world: Any, *names: str, deadline_in: int | None = None
) -> tuple[BuyerNeed, dict[str, NeedInvitation]]:
    need = post_need(world)
    if deadline_in is not None:
        BuyerNeed.objects.filter(pk=need.pk).update(deadline=timezone.localdate() + deadline_in * DAY)
        need.refresh_from_db()
    created = services.invite(by=world.buyer, need=need, organisation_ids=[world.firms[n].pk for n in names])
    mail.outbox.clear()
    return need, {i.organisation.name: i for i in created}


def test_a_firm_is_reminded_once_seven_days_after_its_notification(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    need, paths = _invite(world, "U-Need")
    now = timezone.now()
    assert reminders.remind_firms(now=now + 6 * DAY) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.remind_firms(now=now + 7 * DAY) == 1
    assert reminders.remind_firms(now=now + 8 * DAY) == 0  # never twice
    paths["U-Need"].refresh_from_db()
    assert paths["U-Need"].reminded_at == now + 7 * DAY
    [message] = mail.outbox
    assert message.to == ["u-need@firm.example"]
    assert need.title in message.subject
    url = settings.SITE_URL.rstrip("/") + reverse("meetings:need", args=[need.pk])
    assert url.startswith("http") and url in message.body


def test_a_close_deadline_brings_the_reminder_forward(world: Any) -> None:
    # Deadline in 5 days: the reminder goes 3 days before it, on day 2, not on day 7.
    _, paths = _invite(world, "U-Need", deadline_in=5)
    now = timezone.now()
    assert reminders.remind_firms(now=now + DAY) == 0
    assert reminders.remind_firms(now=now + 2 * DAY) == 1
    paths["U-Need"].refresh_from_db()
    assert paths["U-Need"].reminded_at == now + 2 * DAY


def test_no_reminder_once_the_deadline_is_past(world: Any) -> None:
    need, paths = _invite(world, "U-Need", deadline_in=5)
    now = timezone.now()
    assert reminders.remind_firms(now=now + 6 * DAY) == 0
    # The deadline day itself still counts: answers are taken until then.
    assert reminders.remind_firms(now=now + 5 * DAY) == 1
    paths["U-Need"].refresh_from_db()
    assert paths["U-Need"].reminded_at is not None


def test_no_reminder_to_a_firm_that_answered_or_declined(world: Any) -> None:
    _, paths = _invite(world, "U-Need", "LabSoft", "Web Toulouse")
    services.answer(
        by=world.people["U-Need"], invitation=paths["U-Need"], answer="Nous proposons un démonstrateur."
    )
    services.decline(by=world.people["LabSoft"], invitation=paths["LabSoft"], reason="Pas disponibles.")
    assert reminders.remind_firms(now=timezone.now() + 7 * DAY) == 1
    assert list(
        NeedInvitation.objects.filter(reminded_at__isnull=False).values_list("organisation__name", flat=True)
    ) == ["Web Toulouse"]


def test_the_reminder_is_written_in_each_persons_language(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person_of(world.firms["U-Need"], Role.ADMIN, email="boss@u-need.example", language="en")
    person_of(world.firms["U-Need"], Role.MEMBER, email="intern@u-need.example", language="en")
    _invite(world, "U-Need")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.remind_firms(now=timezone.now() + 7 * DAY) == 1
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {("u-need@firm.example",), ("boss@u-need.example",)}  # not the member
    assert by_recipient[("u-need@firm.example",)].subject.startswith("Rappel")
    english = by_recipient[("boss@u-need.example",)]
    assert english.subject.startswith("Reminder") and "R&D project" in english.body


def test_the_buyers_path_table_shows_when_a_firm_was_reminded(client: Any, world: Any) -> None:
    need, paths = _invite(world, "U-Need", "LabSoft")
    reminders.remind_firms(now=timezone.now() + 7 * DAY)
    NeedInvitation.objects.filter(pk=paths["LabSoft"].pk).update(reminded_at=None)
    client.force_login(world.buyer)
    html = client.get(reverse("meetings:need", args=[need.pk])).content.decode()
    assert "Relancée" in html
    reminded = NeedInvitation.objects.get(pk=paths["U-Need"].pk).reminded_at
    shown = formats.date_format(timezone.localtime(reminded), "SHORT_DATETIME_FORMAT")
    rows = {
        name: row for name in ("U-Need", "LabSoft") for row in html.split("<tr>") if f">{name}</th>" in row
    }
    assert shown in rows["U-Need"] and shown not in rows["LabSoft"]


@pytest.mark.parametrize("language, header", [("fr", "Relancée"), ("en", "Reminded")])
def test_the_comparison_export_says_when_each_firm_was_reminded(
    client: Any, world: Any, language: str, header: str
) -> None:
    import csv
    import io

    need, paths = _invite(world, "U-Need", "LabSoft")
    reminders.remind_firms(now=timezone.now() + 7 * DAY)
    NeedInvitation.objects.filter(pk=paths["LabSoft"].pk).update(reminded_at=None)
    reminded = NeedInvitation.objects.get(pk=paths["U-Need"].pk).reminded_at
    client.force_login(world.buyer)
    client.cookies["django_language"] = language
    response = client.get(reverse("meetings:need_compare_export", args=[need.pk, "csv"]))
    [columns, *lines] = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    column = columns.index(header)
    rows = {line[0]: line for line in lines}
    assert rows["U-Need"][column] == timezone.localtime(reminded).strftime("%Y-%m-%d %H:%M")
    assert rows["LabSoft"][column] == ""


def test_reminder_task_is_scheduled_and_runs(settings: Any, world: Any) -> None:
    from filiere.meetings.needs import tasks

    assert "filiere.meetings.needs.tasks.need_reminders" in settings.SCHEDULE
    _, paths = _invite(world, "U-Need", deadline_in=2)
    assert tasks.need_reminders.enqueue().return_value == 1
    paths["U-Need"].refresh_from_db()
    assert paths["U-Need"].reminded_at is not None
