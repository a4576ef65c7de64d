"""A plan as an XLSX workbook, the way regional teams keep them: export, and import with a report.

The workbook has two sheets. "Actions": one row per action, the tree spelt out in the first three
columns (axe, objectif, action). "Indicateurs": one row per baseline ("Référence"), target
("Cible") and measured value ("Mesure") of each indicator.

Import reads everything first and writes nothing if one cell is wrong: the caller gets every
error with its sheet, row and column. A clean file creates what is missing and updates what
changed, matching axes, objectives and actions on their titles and indicators on their names, so
importing the same file twice changes nothing. `reading` checks every cell, `importer` writes.
"""

from filiere.roadmaps.spreadsheets.columns import (
    ACTION_COLUMNS,
    ACTIONS_SHEET,
    INDICATOR_COLUMNS,
    INDICATORS_SHEET,
)
from filiere.roadmaps.spreadsheets.export import export_plan_xlsx
from filiere.roadmaps.spreadsheets.importer import import_plan_xlsx
from filiere.roadmaps.spreadsheets.reading import WorkbookReport

__all__ = [
    "ACTIONS_SHEET",
    "ACTION_COLUMNS",
    "INDICATORS_SHEET",
    "INDICATOR_COLUMNS",
    "WorkbookReport",
    "export_plan_xlsx",
    "import_plan_xlsx",
]
