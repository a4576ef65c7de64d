"""Sections of the personal space (`/comptes/`) that apps contribute.

An app lists its pages for a signed-in person by naming a function in its `AppConfig`:

    class SupportConfig(AppConfig):
        space_section = "filiere.support.space.section"

The function takes the user and returns a `SpaceSection` (or None when the person has no use of
the app). It must answer from the app's own selectors and the permissions modules, so a link shows
exactly when the page behind it would let the person in. `core` imports no app: sections are
found through the app registry.

The space's own sections ask the apps a few facts through `space_facts` (a function
`user -> dict`, merged by `facts_for`): talent gives each organisation's job offers
(`offers_by_organisation`) and whether the person publishes offers (`may_publish_offers`),
showcase whether they validate declarations (`may_validate`).

An app may also add links to the space's "Mes activités" list (`space_activities`, a function
`user -> SpaceSection | None` whose links are listed by the section's `order`; its title is not
shown there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

from .registry import registered


@dataclass
class SpaceLink:
    """One page of the section; `count` (things waiting for the person) shows as a badge."""

    label: str
    url: str
    count: int | None = None
    description: str = ""


@dataclass
class SpaceSection:
    """A titled list of links in the personal space; lower `order` comes first."""

    title: str
    links: list[SpaceLink] = field(default_factory=list)
    order: int = 100


def section_functions() -> list[Callable[[Any], SpaceSection | None]]:
    """The functions every installed app registered, in INSTALLED_APPS order."""
    return [
        import_string(config.space_section)
        for config in apps.get_app_configs()
        if getattr(config, "space_section", None)
    ]


def sections_for(user: Any) -> list[SpaceSection]:
    """The sections with at least one link for `user`, by `order` then title."""
    sections = [section for function in section_functions() if (section := function(user)) and section.links]
    return sorted(sections, key=lambda section: (section.order, str(section.title)))


def activities_for(user: Any) -> list[SpaceLink]:
    """The links the apps add to the "Mes activités" list of `user`, by each app's `order`."""
    sections = [
        section for _config, function in registered("space_activities") if (section := function(user))
    ]
    return [link for section in sorted(sections, key=lambda s: s.order) for link in section.links]


def facts_for(user: Any) -> dict[str, Any]:
    """The facts every installed app's `space_facts` function gives about `user`, merged."""
    facts: dict[str, Any] = {}
    for _config, function in registered("space_facts"):
        facts.update(function(user))
    return facts
