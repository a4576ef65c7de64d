"""Factories of the promotion tests: regions with their staff, published entries."""

from __future__ import annotations

from typing import Any

from filiere.accounts.models import RegionalRole
from filiere.organisations.tests.factories import RegionFactory, UserFactory
from filiere.promotion import services
from filiere.promotion.models import Entry


def region(code: str = "75", name: str = "Nouvelle-Aquitaine") -> Any:
    return RegionFactory(code=code, name=name)


def regional_admin(region_obj: Any, **user: Any) -> Any:
    person = UserFactory(**user)
    RegionalRole.objects.create(user=person, region=region_obj)
    return person


def published_entry(
    region_obj: Any, kind: str, title_fr: str, *, organisations: Any = (), **fields: Any
) -> Entry:
    """An entry written by one admin of the region and published by another, through the services."""
    author = regional_admin(region_obj)
    reviewer = regional_admin(region_obj)
    entry = services.save_entry(
        by=author,
        region_code=region_obj.code,
        kind=kind,
        title_fr=title_fr,
        organisations=organisations,
        **fields,
    )
    services.submit_entry(entry=entry, by=author)
    return services.publish_entry(entry=entry, by=reviewer)
