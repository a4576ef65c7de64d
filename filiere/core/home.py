"""The home page's shortcuts, which the apps register: `core` names none of them.

An app lists its public entry pages by naming a list in its `AppConfig`:

    HOME_SHORTCUTS = [
        Shortcut(_("Événements"), _("Ateliers, salons et rencontres de la filière."), "events:list", 40),
    ]

    class EventsConfig(AppConfig):
        home_shortcuts = "filiere.events.apps.HOME_SHORTCUTS"

A shortcut is a label and a one-line description (lazy gettext, French first), the URL name of a
page an anonymous visitor may open (no id in it: the home page is the same for everyone) and an
order: lower first, by tens so that an app can slot in between (`filiere/core/tests/test_home.py`
opens every registered link anonymously).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from .registry import registered


@dataclass(frozen=True)
class Shortcut:
    """One card of the home page's shortcuts (`ul.shortcuts`)."""

    label: str | Promise
    description: str | Promise
    url_name: str
    order: int = 100


def shortcuts() -> list[Shortcut]:
    """Every installed app's home shortcuts, by `order` then label."""
    found = [shortcut for _config, listed in registered("home_shortcuts") for shortcut in listed]
    return sorted(found, key=lambda shortcut: (shortcut.order, str(shortcut.label)))
