"""The governance demo (`filiere demo`): the Languedoc-Roussillon merger into Digital 113 (seed
003, `merger.py`) and Nouvelle-Aquitaine's consultative body on its digital strategy (seed 002,
`council.py`)."""

from __future__ import annotations

from filiere.governance.models import Merger

from .council import BODY, REGION, demo_accounts, load_council_demo
from .merger import ASSOCIATIONS, CLUSTER, FUNDER, load_merger_demo

__all__ = [
    "ASSOCIATIONS",
    "BODY",
    "CLUSTER",
    "FUNDER",
    "REGION",
    "demo_accounts",
    "load_council_demo",
    "load_governance_demo",
    "load_merger_demo",
]


def load_governance_demo() -> Merger | None:
    """Both parts, each loaded when the directory demo has what it needs; idempotent."""
    load_council_demo()
    return load_merger_demo()
