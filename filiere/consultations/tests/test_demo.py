"""The Nouvelle-Aquitaine demo: phases from the seed, contributions on the 4 ambitions and the 12
objectives of roadmaps' demo plan, a second version traced to them; a rerun changes nothing."""

from __future__ import annotations

import pytest

from filiere.consultations.demo import load_consultations_demo
from filiere.consultations.models import Contribution, Kind, NodeType, PlanVersion, Support, VersionChange
from filiere.roadmaps.demo import load_roadmaps_demo
from filiere.roadmaps.tests.factories import region

pytestmark = pytest.mark.django_db


def test_demo_traces_the_na_plan_and_is_idempotent():
    for code in ("27", "44", "75"):
        region(code)
    load_roadmaps_demo()
    process = load_consultations_demo()
    assert process is not None
    assert process.phases.count() == 6
    amendments = Contribution.objects.filter(process=process, kind=Kind.AMENDMENT)
    assert amendments.filter(node_type=NodeType.AXIS).values("node_id").distinct().count() == 4
    assert amendments.filter(node_type=NodeType.OBJECTIVE).values("node_id").distinct().count() == 12
    version = PlanVersion.objects.get(process=process, number=2)
    traced = VersionChange.objects.filter(version=version, contributions__isnull=False).distinct()
    assert traced.count() >= 4
    meeting = process.meetings.get()
    assert meeting.phase.kind == "workshops" and meeting.conclusions.count() == 2
    counts = (Contribution.objects.count(), Support.objects.count(), PlanVersion.objects.count())
    assert load_consultations_demo() == process
    assert (Contribution.objects.count(), Support.objects.count(), PlanVersion.objects.count()) == counts
