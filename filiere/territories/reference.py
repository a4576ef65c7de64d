"""The territories' reference dataset for `filiere reference load|status` (core.loading)."""

from __future__ import annotations

from filiere.core.loading import ReferenceDataset

from .importers import load_territories
from .models import EPCI, Commune, Department, FormerRegion, Region

DATASETS = [
    ReferenceDataset("territories", load_territories, [Region, FormerRegion, Department, EPCI, Commune]),
]
