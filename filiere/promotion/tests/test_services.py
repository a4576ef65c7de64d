"""The review-before-publish workflow of the curated entries: rights, states, published copy."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from filiere.organisations.tests.factories import UserFactory
from filiere.promotion import selectors, services
from filiere.promotion.models import Entry, EntryKind, EntryStatus

from .factories import published_entry, region, regional_admin

pytestmark = pytest.mark.django_db


def test_only_the_regions_staff_write_its_entries() -> None:
    na, occ = region(), region("76", "Occitanie")
    outsider = regional_admin(occ)
    with pytest.raises(PermissionDenied):
        services.save_entry(by=outsider, region_code=na.code, kind=EntryKind.STORY, title_fr="Histoire")
    with pytest.raises(PermissionDenied):
        services.save_entry(by=UserFactory(), region_code=na.code, kind=EntryKind.STORY, title_fr="Histoire")
    entry = services.save_entry(
        by=regional_admin(na), region_code=na.code, kind=EntryKind.STORY, title_fr="Histoire"
    )
    assert entry.status == EntryStatus.DRAFT and entry.slug == "histoire"
    staff = services.save_entry(
        by=UserFactory(is_staff=True), region_code=na.code, kind=EntryKind.STORY, title_fr="Histoire"
    )
    assert staff.slug == "histoire-2"


def test_the_submitter_cannot_publish_their_own_entry_another_admin_can() -> None:
    na = region()
    author, reviewer = regional_admin(na), regional_admin(na)
    entry = services.save_entry(by=author, region_code=na.code, kind=EntryKind.INTRO, title_fr="Bienvenue")
    with pytest.raises(ValidationError):
        services.publish_entry(entry=entry, by=reviewer)  # a draft is not published unreviewed
    services.submit_entry(entry=entry, by=author)
    with pytest.raises(PermissionDenied):
        services.publish_entry(entry=entry, by=author)
    with pytest.raises(PermissionDenied):
        services.publish_entry(entry=entry, by=regional_admin(region("76", "Occitanie")))
    services.publish_entry(entry=entry, by=reviewer)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PUBLISHED and entry.published["title_fr"] == "Bienvenue"
    assert [h["action"] for h in entry.history] == ["created", "submitted", "published"]
    assert entry.history[-1]["by"] == reviewer.pk


def test_platform_staff_review_their_own_submission() -> None:
    na = region()
    staff = UserFactory(is_staff=True)
    entry = services.save_entry(by=staff, region_code=na.code, kind=EntryKind.INTRO, title_fr="Bienvenue")
    services.submit_entry(entry=entry, by=staff)
    assert services.publish_entry(entry=entry, by=staff).published_at is not None


def test_editing_a_published_entry_keeps_the_published_copy_online_until_the_next_review() -> None:
    na = region()
    entry = published_entry(na, EntryKind.EXCELLENCE, "Cybersécurité", summary_fr="Version 1")
    editor = regional_admin(na)
    services.save_entry(
        by=editor,
        region_code=na.code,
        kind=entry.kind,
        entry=entry,
        title_fr="Cybersécurité",
        summary_fr="Version 2",
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT and entry.has_unpublished_changes
    online = selectors.get_public_entry(na.code, EntryKind.EXCELLENCE, entry.slug)
    assert online.public_summary == "Version 1"
    services.submit_entry(entry=entry, by=editor)
    services.publish_entry(entry=entry, by=regional_admin(na))
    assert selectors.get_public_entry(na.code, EntryKind.EXCELLENCE, entry.slug).public_summary == "Version 2"


def test_returning_needs_a_note_and_puts_the_entry_back_to_draft() -> None:
    na = region()
    author, reviewer = regional_admin(na), regional_admin(na)
    entry = services.save_entry(by=author, region_code=na.code, kind=EntryKind.STORY, title_fr="Histoire")
    services.submit_entry(entry=entry, by=author)
    with pytest.raises(ValidationError) as error:
        services.return_entry(entry=entry, by=reviewer, note="  ")
    assert "note" in error.value.message_dict
    services.return_entry(entry=entry, by=reviewer, note="Ajoutez le nom de l'entreprise.")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT and entry.review_note == "Ajoutez le nom de l'entreprise."
    assert entry.published_at is None


def test_bad_input_names_the_field_and_writes_nothing() -> None:
    na = region()
    admin = regional_admin(na)
    with pytest.raises(ValidationError) as error:
        services.save_entry(by=admin, region_code=na.code, kind=EntryKind.STORY, title_fr="  ")
    assert "title_fr" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_entry(by=admin, region_code=na.code, kind=EntryKind.PITCH, title_fr="Rail")
    assert "buyer_sector" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_entry(
            by=admin, region_code=na.code, kind=EntryKind.CONTACT, title_fr="Contact", email="pas-un-courriel"
        )
    assert "email" in error.value.message_dict
    assert not Entry.objects.exists()


def test_unpublishing_takes_the_entry_off_the_public_pages() -> None:
    na = region()
    entry = published_entry(na, EntryKind.STORY, "Histoire")
    services.unpublish_entry(entry=entry, by=regional_admin(na))
    assert selectors.online_entries(na.code) == []
    assert Entry.objects.get().title_fr == "Histoire"


def test_english_text_is_shown_in_english_french_otherwise() -> None:
    na = region()
    entry = published_entry(na, EntryKind.EXCELLENCE, "Logiciel libre", title_en="Open-source software")
    other = published_entry(na, EntryKind.EXCELLENCE, "Jeu vidéo")
    with translation.override("en"):
        assert (entry.public_title, entry.public_language("title")) == ("Open-source software", "en")
        assert (other.public_title, other.public_language("title")) == ("Jeu vidéo", "fr")
    with translation.override("fr"):
        assert entry.public_title == "Logiciel libre"
