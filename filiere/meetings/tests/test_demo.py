"""The demo days load from the seeds' organisers and reloading changes nothing."""

from __future__ import annotations

import pytest

from filiere.meetings.demo import load_meetings_demo
from filiere.meetings.models import Meeting, MeetingRequest, Participant, Programme, ProgrammeStatus
from filiere.meetings.tests.factories import cluster
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_demo_days_are_idempotent_and_valid() -> None:
    cluster("Digital 113", region_code="76", department_code="34")
    OrganisationFactory(name="Région Grand Est", kind=Kind.PUBLIC_BODY, siren=None)
    first = load_meetings_demo()
    counts = (
        Programme.objects.count(),
        Participant.objects.count(),
        MeetingRequest.objects.count(),
        Meeting.objects.count(),
    )
    assert first["programmes"] == 2 and first["meetings"] > 20
    assert load_meetings_demo() == first
    assert counts == (
        Programme.objects.count(),
        Participant.objects.count(),
        MeetingRequest.objects.count(),
        Meeting.objects.count(),
    )
    speed = Programme.objects.get(event__title__startswith="Speed dating")
    assert (
        speed.status == ProgrammeStatus.PUBLISHED
        and speed.participants.filter(organisation__name="LabSoft").exists()
    )
    busy = set()
    for meeting in Meeting.objects.filter(request__programme=speed).select_related("request"):
        for person in (meeting.request.sender_id, meeting.request.recipient_id):
            assert (person, meeting.slot) not in busy
            busy.add((person, meeting.slot))
    assert speed.placed == speed.upper_bound
