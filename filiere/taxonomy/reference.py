"""NAF, ROME and ESCO as reference datasets for `filiere reference load|status` (core.loading)."""

from __future__ import annotations

from filiere.core.loading import ReferenceDataset

from . import models as tx
from .importers import load_esco, load_naf, load_rome

DATASETS = [
    ReferenceDataset("naf", load_naf, [tx.NafCode]),
    ReferenceDataset(
        "rome",
        load_rome,
        [tx.RomeMetier, tx.RomeAppellation, tx.RomeCompetence, tx.RomeMetierCompetence, tx.RomeMobility],
    ),
    ReferenceDataset("esco", load_esco, [tx.EscoSkill, tx.EscoOccupation, tx.EscoOccupationSkill]),
]
