"""What apps register through their `AppConfig`, found without `core` importing any app.

An app names a dotted path in an attribute of its AppConfig (`demo_loader`, `reindexer`,
`space_section`, `roadmap_computations`, `reference_datasets`, `home_shortcuts`, `home_context`,
`demo_accounts`; docs/adding-an-app.md lists them); the command or page that needs them asks
this module.
"""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string


def registered(attribute: str) -> list[tuple[AppConfig, Any]]:
    """(app config, imported object) for every installed app naming `attribute`, in
    INSTALLED_APPS order."""
    return [
        (config, import_string(path))
        for config in apps.get_app_configs()
        if (path := getattr(config, attribute, None))
    ]
