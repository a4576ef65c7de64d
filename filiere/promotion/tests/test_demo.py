"""The demo region pages: Nouvelle-Aquitaine's four sectors of excellence and Occitanie's
pitches to five buyer sectors, published through the workflow, in French and English; idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.promotion.demo import load_promotion_demo
from filiere.promotion.models import Entry, EntryKind, EntryStatus, Prospect

from .factories import region

pytestmark = pytest.mark.django_db


def test_demo_publishes_the_seeds_pages_once(client: Any) -> None:
    region()
    region("76", "Occitanie")
    written = load_promotion_demo()
    assert written == Entry.objects.count() + Prospect.objects.count() == 21
    excellence = Entry.objects.filter(region_id="75", kind=EntryKind.EXCELLENCE)
    assert sorted(e.title_en for e in excellence) == [
        "Artificial intelligence and robotics",
        "Cybersecurity",
        "Free and open-source software",
        "Image and video games",
    ]
    pitches = set(
        Entry.objects.filter(region_id="76", kind=EntryKind.PITCH).values_list("buyer_sector", flat=True)
    )
    assert pitches == {"rail", "autonomous_vehicle", "health", "retail", "finance"}
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.PUBLISHED}
    history = Entry.objects.values_list("history", flat=True)
    assert load_promotion_demo() == 0 and list(Entry.objects.values_list("history", flat=True)) == list(
        history
    )
    countries = set(Prospect.objects.values_list("buyer_sector", "country"))
    assert ("rail", "DE") in countries and all(p.actions.count() == 1 for p in Prospect.objects.all())
    assert "Image and video games" in client.get("/en/decouvrir/nouvelle-aquitaine/").content.decode()
    assert (
        "Rail: aerospace engineering for railways" in client.get("/en/decouvrir/occitanie/").content.decode()
    )
