"""XLSX export and import: round trip, and the error report when a file is wrong."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from filiere.roadmaps.models import Action, ActivityLog, Axis, Indicator, IndicatorValue
from filiere.roadmaps.spreadsheets import ACTION_COLUMNS, export_plan_xlsx, import_plan_xlsx

from .factories import (
    ActionFactory,
    ActionStepFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    OrganisationFactory,
    PlanFactory,
    RegionalRoleFactory,
    UserFactory,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    plan = PlanFactory(region=region("75"), start_date=dt.date(2018, 6, 25), end_date=dt.date(2021, 12, 31))
    owner = OrganisationFactory(name="Région Nouvelle-Aquitaine")
    partner = OrganisationFactory(name="Magelis")
    funder = OrganisationFactory(name="État")
    action = ActionFactory(
        objective__axis__plan=plan,
        objective__axis__title="Une région qui rayonne",
        objective__title="Fédérer l'écosystème",
        title="Délégation au CES",
        owner=owner,
        budget_planned=Decimal("250000.50"),
        budget_spent=Decimal(1000),
        status="in_progress",
        priority="high",
        start_date=dt.date(2018, 9, 1),
        end_date=dt.date(2019, 1, 31),
    )
    action.partners.add(partner)
    action.funders.add(funder, owner)
    ActionStepFactory(action=action, title="Appel à candidatures", done=True, due_date=dt.date(2018, 10, 1))
    ActionStepFactory(action=action, title="Bilan", done=False)
    action.description = "Stand régional\nsur deux lignes"
    action.weight = Decimal("2.5")
    action.save()
    ActionFactory(objective=action.objective, title="Instance de gouvernance", owner=owner, status="done")
    indicator = IndicatorFactory(
        plan=plan, name="Emplois", unit="emplois", baseline_value=Decimal(60000), source="Insee"
    )
    indicator.actions.add(action)
    IndicatorTargetFactory(indicator=indicator, date=dt.date(2021, 12, 31), value=Decimal(66000))
    IndicatorValueFactory(
        indicator=indicator, date=dt.date(2019, 12, 31), value=Decimal("62500.5"), source="Insee"
    )
    return plan


def _workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _snapshot(plan) -> list:
    return [
        (
            a.objective.axis.title,
            a.objective.title,
            a.title,
            a.owner_id,
            a.owner_name,
            a.budget_planned,
            a.budget_spent,
            a.status,
            a.priority,
            a.start_date,
            a.end_date,
            sorted(p.pk for p in a.partners.all()),
            sorted(f.pk for f in a.funders.all()),
            a.weight,
            a.description,
            [(s.title, s.due_date, s.done) for s in a.steps.all()],
        )
        for a in Action.objects.filter(objective__axis__plan=plan).order_by("pk")
    ] + [
        (
            i.name,
            i.unit,
            i.direction,
            i.baseline_value,
            i.baseline_date,
            i.source,
            [(t.date, t.value) for t in i.targets.all()],
            [(v.date, v.value, v.source) for v in i.values.all()],
            sorted(a.pk for a in i.actions.all()),
        )
        for i in Indicator.objects.filter(plan=plan).order_by("pk")
    ]


def test_export_has_actions_and_indicators_sheets(plan):
    workbook = _workbook(export_plan_xlsx(plan))
    actions = list(workbook["Actions"].iter_rows(values_only=True))
    assert list(actions[0]) == ACTION_COLUMNS
    row = dict(zip(ACTION_COLUMNS, actions[1], strict=True))
    assert row["Action"] == "Délégation au CES" and row["Porteur"] == "Région Nouvelle-Aquitaine"
    assert row["Partenaires"] == "Magelis" and row["Financeurs"] == "Région Nouvelle-Aquitaine; État"
    assert row["Budget prévu"] == 250000.5 and row["Statut"] == "En cours" and row["Priorité"] == "Haute"
    assert row["Début"].date() == dt.date(2018, 9, 1)
    natures = [r[7] for r in workbook["Indicateurs"].iter_rows(min_row=2, values_only=True)]
    assert natures == ["Référence", "Cible", "Mesure"]


def test_export_import_round_trip_changes_nothing(plan):
    before = _snapshot(plan)
    logs = ActivityLog.objects.count()
    data = export_plan_xlsx(plan)
    report = import_plan_xlsx(user=UserFactory(), plan=plan, file=data)
    assert report.ok, report.rejections
    assert report.counts == {"actions_unchanged": 2, "indicators_unchanged": 1}
    assert _snapshot(plan) == before
    assert export_plan_xlsx(plan) != b"" and ActivityLog.objects.count() == logs + 1  # the "imported" entry


def test_clean_file_creates_into_an_empty_plan_and_is_idempotent(plan):
    data = export_plan_xlsx(plan)
    target = PlanFactory(region=region("75"), start_date=plan.start_date, end_date=plan.end_date)
    first = import_plan_xlsx(user=None, plan=target, file=data)
    assert first.ok, first.rejections
    assert first.counts == {
        "axes_created": 1,
        "objectives_created": 1,
        "actions_created": 2,
        "indicators_created": 1,
    }
    assert Axis.objects.filter(plan=target).count() == 1
    snapshot = [row[:3] + row[4:] for row in _snapshot(target)[:2]]
    assert import_plan_xlsx(user=None, plan=target, file=data).counts == {
        "actions_unchanged": 2,
        "indicators_unchanged": 1,
    }
    assert [row[:3] + row[4:] for row in _snapshot(target)[:2]] == snapshot
    assert IndicatorValue.objects.filter(indicator__plan=target).count() == 1


def test_changed_cell_updates_the_action_and_logs(plan):
    workbook = _workbook(export_plan_xlsx(plan))
    workbook["Actions"]["I2"] = "Terminée"
    report = import_plan_xlsx(user=None, plan=plan, file=_save(workbook))
    assert report.ok and report.counts["actions_updated"] == 1
    assert Action.objects.get(title="Délégation au CES").status == "done"
    assert ActivityLog.objects.get(verb="updated", object_type="action").changes["status"] == [
        "in_progress",
        "done",
    ]


def test_errors_are_reported_by_sheet_row_and_column_and_nothing_is_written(plan):
    before = _snapshot(plan)
    logs = ActivityLog.objects.count()
    workbook = _workbook(export_plan_xlsx(plan))
    sheet = workbook["Actions"]
    sheet["G2"] = "deux cent mille"  # text in a number cell
    sheet["L2"] = dt.datetime(2024, 1, 1)  # after the plan's end
    sheet["D3"] = "Société inconnue"  # unknown owner
    sheet.append(
        ["Nouvel axe", "Nouvel objectif", "Nouvelle action"]
    )  # would be created if the file were clean
    workbook["Indicateurs"]["J4"] = "n.c."
    report = import_plan_xlsx(user=None, plan=plan, file=_save(workbook))
    assert not report.ok
    found = {(e.where, e.line, e.field) for e in report.rejections}
    assert found == {
        ("Actions", 2, "Budget prévu"),
        ("Actions", 2, "Fin"),
        ("Actions", 3, "Porteur"),
        ("Indicateurs", 4, "Valeur"),
    }
    messages = {(e.line, e.field): e.message for e in report.rejections}
    assert messages[(2, "Budget prévu")] == "« deux cent mille » n'est pas un nombre."
    assert messages[(2, "Fin")] == "Date 01/01/2024 hors de la période du plan (25/06/2018 – 31/12/2021)."
    assert messages[(3, "Porteur")] == "Organisation inconnue dans l'annuaire : « Société inconnue »."
    assert _snapshot(plan) == before
    assert not Axis.objects.filter(title="Nouvel axe").exists()
    assert ActivityLog.objects.count() == logs


def test_wrong_and_missing_columns_are_named(plan):
    workbook = _workbook(export_plan_xlsx(plan))
    sheet = workbook["Actions"]
    sheet["G1"] = "Montant"  # instead of "Budget prévu"
    report = import_plan_xlsx(user=None, plan=plan, file=_save(workbook))
    messages = [(e.where, e.line, e.field, e.message) for e in report.rejections]
    assert (
        "Actions",
        1,
        "Montant",
        messages[0][3],
    ) in messages and "Colonne inconnue « Montant »" in messages[0][3]
    expected = ", ".join(ACTION_COLUMNS)
    assert (
        "Actions",
        1,
        "Budget prévu",
        f"Colonne manquante « Budget prévu » ; colonnes attendues : {expected}.",
    ) in messages


def test_unknown_owner_can_be_kept_as_text(plan):
    workbook = _workbook(export_plan_xlsx(plan))
    workbook["Actions"]["D3"] = "Association Aquitaine Numérique"
    report = import_plan_xlsx(user=None, plan=plan, file=_save(workbook), unknown_owners="keep_name")
    assert report.ok and report.warnings[0].field == "Porteur"
    action = Action.objects.get(title="Instance de gouvernance")
    assert action.owner is None and action.owner_name == "Association Aquitaine Numérique"


def test_not_a_workbook_is_reported(plan):
    report = import_plan_xlsx(user=None, plan=plan, file=b"not a zip")
    assert report.rejections[0].message == "Le fichier n'est pas un classeur XLSX lisible."


def test_import_form_shows_the_report(client, plan):
    client.force_login(RegionalRoleFactory(region=region("75")).user)
    workbook = _workbook(export_plan_xlsx(plan))
    workbook["Actions"]["G2"] = "beaucoup"
    upload = io.BytesIO(_save(workbook))
    upload.name = "plan.xlsx"
    response = client.post(
        reverse("roadmaps:plan_import", args=[plan.pk]), {"file": upload, "unknown_owners": "error"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "rien n'a été importé" in html and "Budget prévu" in html and "beaucoup" in html


def test_export_view_downloads_xlsx(client, plan):
    response = client.get(reverse("roadmaps:plan_export", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _workbook(response.content).sheetnames == ["Actions", "Indicateurs"]


def test_values_of_computed_indicators_are_not_imported_back(plan):
    from django.utils import timezone

    from filiere.roadmaps.services import refresh_computed_indicators

    computed = IndicatorFactory(
        plan=plan,
        name="Établissements (annuaire)",
        computation="computed",
        computed_key="digital_establishments_in_region",
        baseline_value=None,
    )
    refresh_computed_indicators(plan=plan)  # dated today, years after this plan's period
    data = export_plan_xlsx(plan)
    report = import_plan_xlsx(user=None, plan=plan, file=data)
    assert report.ok, report.rejections
    assert [v.date for v in computed.values.all()] == [timezone.localdate()]


def test_export_import_into_an_empty_plan_exports_the_same_workbook(plan):
    def rows(data: bytes) -> dict[str, list[tuple]]:
        book = _workbook(data)
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}

    first = export_plan_xlsx(plan)
    copy = PlanFactory(region=region("75"), start_date=plan.start_date, end_date=plan.end_date)
    assert import_plan_xlsx(user=None, plan=copy, file=first).ok
    assert rows(export_plan_xlsx(copy)) == rows(first)


def test_steps_weight_and_description_travel_in_the_workbook(plan):
    workbook = _workbook(export_plan_xlsx(plan))
    header = [c.value for c in workbook["Actions"][1]]
    row = dict(zip(header, [c.value for c in workbook["Actions"][2]], strict=True))
    assert row["Étapes"] == "[x] Appel à candidatures (01/10/2018)\n[ ] Bilan"
    assert (row["Poids"], row["Description"]) == (2.5, "Stand régional\nsur deux lignes")
    column = header.index("Étapes") + 1
    workbook["Actions"].cell(2, column).value = "[x] Bilan (15/01/2019)\n[ ] Compte rendu"
    report = import_plan_xlsx(user=None, plan=plan, file=_save(workbook))
    assert report.ok, report.rejections
    action = Action.objects.get(title="Délégation au CES")
    assert [(s.title, s.due_date, s.done) for s in action.steps.all()] == [
        ("Bilan", dt.date(2019, 1, 15), True),
        ("Compte rendu", None, False),
    ]
    changes = ActivityLog.objects.get(verb="updated", object_type="action").changes
    assert changes["étape Appel à candidatures"] == ["réalisée", None]
    assert changes["étape Compte rendu"] == [None, "à faire"]


def test_bad_steps_are_reported(plan):
    workbook = _workbook(export_plan_xlsx(plan))
    header = [c.value for c in workbook["Actions"][1]]
    workbook["Actions"].cell(2, header.index("Étapes") + 1).value = "[ ] Bilan (01/01/2030)\n[x] A\n[ ] a"
    workbook["Actions"].cell(2, header.index("Poids") + 1).value = "lourd"
    report = import_plan_xlsx(user=None, plan=plan, file=_save(workbook))
    assert [(e.line, e.field, e.message) for e in report.rejections] == [
        (2, "Poids", "« lourd » n'est pas un nombre."),
        (
            2,
            "Étapes",
            "Étape « Bilan » : échéance 01/01/2030 invalide ou hors de la période du plan (25/06/2018 – 31/12/2021).",
        ),
        (2, "Étapes", "Étape « a » en double."),
    ]


def test_a_file_without_the_optional_columns_leaves_steps_alone(plan):
    workbook = _workbook(export_plan_xlsx(plan))
    workbook["Actions"].delete_cols(ACTION_COLUMNS.index("Poids") + 1, 3)
    assert import_plan_xlsx(user=None, plan=plan, file=_save(workbook)).ok
    assert Action.objects.get(title="Délégation au CES").steps.count() == 2


def test_a_far_right_cell_on_every_row_keeps_the_import_small(plan):
    """One stray cell at column XFD per row used to widen every row to 16,384 cells (1.38 GB)."""
    import tracemalloc

    workbook = _workbook(export_plan_xlsx(plan))
    sheet = workbook["Actions"]
    template = [c.value for c in sheet[2]]
    for number in range(3, 1503):
        if number < 23:  # twenty more real actions, the rest are rows holding only the stray cell
            for column, value in enumerate(template, start=1):
                sheet.cell(number, column).value = value
            sheet.cell(number, ACTION_COLUMNS.index("Action") + 1).value = f"Action {number}"
        sheet.cell(number, 16384).value = "x"  # column XFD
    sheet.cell(2, 16384).value = "x"
    data = _save(workbook)
    assert load_workbook(io.BytesIO(data), read_only=True)["Actions"].max_column == 16384
    tracemalloc.start()
    try:
        report = import_plan_xlsx(user=None, plan=plan, file=data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok, report.rejections
    assert report.counts["actions_created"] == 20
    assert peak < 40 * 1024 * 1024  # 1,500 rows × 16,384 cells would be ~200 MB


def test_a_sheet_past_the_row_limit_is_refused(plan, monkeypatch):
    from filiere.roadmaps.spreadsheets import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 1)
    report = import_plan_xlsx(user=None, plan=plan, file=export_plan_xlsx(plan))
    assert [(e.where, e.line, e.message) for e in report.rejections] == [
        ("Actions", 3, "Feuille trop longue : au plus 1 lignes remplies."),
        ("Indicateurs", 3, "Feuille trop longue : au plus 1 lignes remplies."),
    ]


def test_export_neutralises_formulas_and_import_restores_them(plan):
    action = Action.objects.get(title="Délégation au CES")
    action.title = '=HYPERLINK("http://evil","clic")'
    action.owner_name, action.owner = "+33 5 00 00 00 00", None
    action.save()
    data = export_plan_xlsx(plan)
    workbook = _workbook(data)
    row = dict(zip(ACTION_COLUMNS, [c for c in workbook["Actions"][2]], strict=True))
    assert row["Action"].data_type == "s" and row["Action"].value == '\'=HYPERLINK("http://evil","clic")'
    assert row["Porteur"].value == "'+33 5 00 00 00 00"
    assert row["Budget prévu"].data_type == "n"
    before = _snapshot(plan)
    assert import_plan_xlsx(user=None, plan=plan, file=data, unknown_owners="keep_name").ok
    assert _snapshot(plan) == before
