"""Must-show 6: a plan file with nonsense gets a report by sheet, row and column, and nothing is
imported. Each case is a small workbook built by hand, the way a regional team would type it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from filiere.roadmaps.models import (
    Action,
    ActivityLog,
    Axis,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
)
from filiere.roadmaps.spreadsheets import ACTION_COLUMNS, INDICATOR_COLUMNS, import_plan_xlsx
from filiere.roadmaps.spreadsheets import importer as importer_module

from .factories import OrganisationFactory, PlanFactory, region

pytestmark = pytest.mark.django_db

GOOD_ACTION = {
    "Axe": "Une région qui rayonne",
    "Objectif": "Fédérer l'écosystème",
    "Action": "Délégation au CES",
    "Porteur": "Région Nouvelle-Aquitaine",
    "Budget prévu": 250000,
    "Budget consommé": "1 000",
    "Statut": "En cours",
    "Priorité": "Haute",
    "Début": dt.date(2018, 9, 1),
    "Fin": "31/01/2019",
}
GOOD_INDICATOR = {
    "Indicateur": "Emplois du numérique",
    "Unité": "emplois",
    "Sens": "Hausse souhaitée",
    "Nature": "Cible",
    "Date": dt.date(2021, 12, 31),
    "Valeur": 66000,
}


@pytest.fixture
def plan():
    OrganisationFactory(name="Région Nouvelle-Aquitaine")
    return PlanFactory(region=region("75"), start_date=dt.date(2018, 6, 25), end_date=dt.date(2021, 12, 31))


def workbook(actions: list[dict], indicators: list[dict] | None = None, *, action_columns=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    columns = action_columns or [c for c in ACTION_COLUMNS if c != "Avancement"]
    sheet.append(columns)
    for row in actions:
        sheet.append([row.get(c) for c in columns])
    if indicators is not None:
        other = book.create_sheet("Indicateurs")
        other.append(INDICATOR_COLUMNS)
        for row in indicators:
            other.append([row.get(c) for c in INDICATOR_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _counts() -> tuple[int, ...]:
    models = (Axis, Objective, Action, Indicator, IndicatorTarget, IndicatorValue, ActivityLog)
    return tuple(m.objects.count() for m in models)


def errors(report) -> set[tuple]:
    return {(e.where, e.line, e.field) for e in report.rejections}


def test_a_clean_hand_made_workbook_imports(plan):
    report = import_plan_xlsx(user=None, plan=plan, file=workbook([GOOD_ACTION], [GOOD_INDICATOR]))
    assert report.ok, report.rejections
    action = Action.objects.get()
    assert (action.owner.name, action.budget_spent, action.end_date) == (
        "Région Nouvelle-Aquitaine",
        1000,
        dt.date(2019, 1, 31),
    )
    assert Indicator.objects.get().targets.get().value == 66000


def test_wrong_and_missing_columns_list_the_expected_names(plan):
    columns = ["Axe", "Objectif", "Intitulé", "Porteur", "Montant"]
    report = import_plan_xlsx(user=None, plan=plan, file=workbook([], action_columns=columns))
    by_column = {e.field: e.message for e in report.rejections}
    expected = ", ".join(ACTION_COLUMNS)
    assert by_column["Intitulé"] == f"Colonne inconnue « Intitulé » ; colonnes attendues : {expected}."
    assert by_column["Action"] == f"Colonne manquante « Action » ; colonnes attendues : {expected}."
    assert {"Montant", "Budget prévu", "Statut", "Fin"} <= set(by_column)
    assert all(e.line == 1 for e in report.rejections)


def test_missing_actions_sheet_and_unreadable_file(plan):
    book = Workbook()
    book.active.title = "Feuil1"
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_plan_xlsx(user=None, plan=plan, file=buffer.getvalue())
    assert [(e.where, e.line, e.field, e.message) for e in report.rejections] == [
        ("Actions", None, "", "Feuille « Actions » absente.")
    ]
    report = import_plan_xlsx(user=None, plan=plan, file=b"PK\x03\x04 broken")
    assert report.rejections[0].message == "Le fichier n'est pas un classeur XLSX lisible."


def test_unknown_owner_partner_and_funder_are_reported_with_row_and_column(plan):
    rows = [
        {**GOOD_ACTION, "Porteur": "Société fantôme"},
        {
            **GOOD_ACTION,
            "Action": "Instance de gouvernance",
            "Partenaires": "Région Nouvelle-Aquitaine; Inconnu",
        },
        {**GOOD_ACTION, "Action": "Cité numérique", "Financeurs": "Banque X"},
    ]
    report = import_plan_xlsx(user=None, plan=plan, file=workbook(rows))
    assert errors(report) == {
        ("Actions", 2, "Porteur"),
        ("Actions", 3, "Partenaires"),
        ("Actions", 4, "Financeurs"),
    }
    assert report.rejections[0].message == "Organisation inconnue dans l'annuaire : « Société fantôme »."
    assert _counts() == (0, 0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "column", "message"),
    [
        (
            "Actions",
            "Budget prévu",
            "deux cent mille",
            "Budget prévu",
            "« deux cent mille » n'est pas un nombre.",
        ),
        ("Actions", "Budget consommé", "-5", "Budget consommé", "Le montant ne peut pas être négatif."),
        ("Actions", "Début", "bientôt", "Début", "« bientôt » n'est pas une date (JJ/MM/AAAA)."),
        (
            "Actions",
            "Fin",
            dt.date(2024, 1, 1),
            "Fin",
            "Date 01/01/2024 hors de la période du plan (25/06/2018 – 31/12/2021).",
        ),
        (
            "Actions",
            "Début",
            "01/01/2017",
            "Début",
            "Date 01/01/2017 hors de la période du plan (25/06/2018 – 31/12/2021).",
        ),
        ("Actions", "Statut", "Presque fini", "Statut", "Valeur « Presque fini » inconnue"),
        ("Actions", "Action", None, "Action", "Cellule vide : le titre est obligatoire."),
        ("Indicateurs", "Valeur", "n.c.", "Valeur", "« n.c. » n'est pas un nombre."),
        (
            "Indicateurs",
            "Date",
            dt.date(2025, 6, 30),
            "Date",
            "Date 30/06/2025 hors de la période du plan (25/06/2018 – 31/12/2021), à un an près.",
        ),
        ("Indicateurs", "Nature", "Objectif", "Nature", "Nature « Objectif » inconnue"),
        ("Indicateurs", "Sens", "Plus c'est mieux", "Sens", "Valeur « Plus c'est mieux » inconnue"),
    ],
)
def test_bad_cells_are_reported_and_nothing_is_written(plan, sheet, cell, value, column, message):
    actions, indicators = [dict(GOOD_ACTION)], [dict(GOOD_INDICATOR)]
    (actions if sheet == "Actions" else indicators)[0][cell] = value
    report = import_plan_xlsx(user=None, plan=plan, file=workbook(actions, indicators))
    assert errors(report) == {(sheet, 2, column)}
    assert report.rejections[0].message.startswith(message)
    assert _counts() == (0, 0, 0, 0, 0, 0, 0)


def test_end_before_start_is_reported(plan):
    row = {**GOOD_ACTION, "Début": "01/06/2019", "Fin": "01/01/2019"}
    report = import_plan_xlsx(user=None, plan=plan, file=workbook([row]))
    assert [(e.line, e.field, e.message) for e in report.rejections] == [
        (2, "Fin", "La fin de l'action précède son début.")
    ]


def test_duplicated_actions_and_indicator_rows_are_reported(plan):
    actions = [GOOD_ACTION, {**GOOD_ACTION, "Action": "délégation au  CES"}]
    indicators = [
        {**GOOD_INDICATOR, "Nature": "Référence", "Date": dt.date(2017, 10, 1), "Valeur": 60000},
        GOOD_INDICATOR,
        {**GOOD_INDICATOR, "Valeur": 70000},  # a second target at the same date
        {**GOOD_INDICATOR, "Nature": "Référence", "Date": dt.date(2018, 1, 1), "Valeur": 61000},
        {**GOOD_INDICATOR, "Nature": "Mesure", "Date": dt.date(2019, 12, 31), "Valeur": 62500},
        {**GOOD_INDICATOR, "Nature": "Mesure", "Date": dt.date(2019, 12, 31), "Valeur": 62600},
    ]
    report = import_plan_xlsx(user=None, plan=plan, file=workbook(actions, indicators))
    messages = {(e.where, e.line, e.field): e.message for e in report.rejections}
    assert messages == {
        ("Actions", 3, "Action"): "Action en double (déjà en ligne 2).",
        ("Indicateurs", 4, "Date"): "Cible en double à cette date pour cet indicateur (déjà en ligne 3).",
        ("Indicateurs", 5, "Nature"): "Deuxième ligne « Référence » pour cet indicateur (déjà en ligne 2).",
        ("Indicateurs", 7, "Date"): "Mesure en double à cette date pour cet indicateur (déjà en ligne 6).",
    }
    assert _counts() == (0, 0, 0, 0, 0, 0, 0)


def test_every_error_of_a_file_is_reported_at_once(plan):
    actions = [
        {**GOOD_ACTION, "Porteur": "Inconnue", "Budget prévu": "beaucoup"},
        {**GOOD_ACTION, "Action": "Autre", "Fin": "31/12/2030"},
    ]
    report = import_plan_xlsx(user=None, plan=plan, file=workbook(actions))
    assert errors(report) == {
        ("Actions", 2, "Porteur"),
        ("Actions", 2, "Budget prévu"),
        ("Actions", 3, "Fin"),
    }


def test_a_failure_while_writing_leaves_nothing_half_imported(plan, monkeypatch):
    original = importer_module._write_indicators

    def fail(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer_module, "_write_indicators", fail)
    with pytest.raises(RuntimeError):
        import_plan_xlsx(user=None, plan=plan, file=workbook([GOOD_ACTION], [GOOD_INDICATOR]))
    assert _counts() == (0, 0, 0, 0, 0, 0, 0)
