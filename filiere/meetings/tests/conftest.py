from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def site_url(settings: Any) -> None:
    settings.SITE_URL = "https://filiere.example"
