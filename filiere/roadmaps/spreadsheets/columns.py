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
    "Poids",
    "Description",
    "Étapes",
]
# May be left out of a file: "Avancement" is computed (exported for reading, ignored on import);
# without "Poids", "Description" or "Étapes", an import leaves those of existing actions alone.
ACTION_OPTIONAL = {"Avancement", "Poids", "Description", "Étapes"}
# Steps in one cell, one per line: "[x] Stand régional (15/01/2019)"; "[ ]" for a step not done.
STEP_DONE, STEP_TODO = "[x]", "[ ]"
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
