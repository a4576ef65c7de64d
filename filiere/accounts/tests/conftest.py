"""Fixtures of the accounts tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """The mail throttle lives in the cache, keyed by user id, and ids repeat between tests."""
    from django.core.cache import cache

    cache.clear()
