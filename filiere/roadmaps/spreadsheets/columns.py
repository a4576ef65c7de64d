"""The workbook format shared by export and import: sheet names, columns, row natures."""

from __future__ import annotations

from typing import Literal

ACTIONS_SHEET = "Actions"
INDICATORS_SHEET = "Indicateurs"
ACTION_COLUMNS = [
    "Axe",
    "Objectif",
    "Action",
    "Porteur",
    "Partenaires",
    "Financeurs",
    "Budget prévu",
    "Budget consommé",
    "Statut",
    "Priorité",
    "Début",
    "Fin",
    "Avancement",
]
ACTION_OPTIONAL = {"Avancement"}  # computed: exported for reading, ignored on import
INDICATOR_COLUMNS = [
    "Indicateur",
    "Unité",
    "Sens",
    "Mode de calcul",
    "Clé de calcul",
    "Source",
    "Actions liées",
    "Nature",
    "Date",
    "Valeur",
]
BASELINE, TARGET, MEASURE = "Référence", "Cible", "Mesure"
LIST_SEPARATOR = ";"
DATE_FORMAT = "DD/MM/YYYY"

UnknownOwners = Literal["error", "keep_name"]
