"""The demo plans of the seed articles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from filiere.core.testing import rolled_back_world
from filiere.roadmaps.demo import load_roadmaps_demo
from filiere.roadmaps.models import Action, Axis, Indicator, IndicatorTarget, IndicatorValue, Objective, Plan
from filiere.roadmaps.selectors import plan_tree

from .factories import region

pytestmark = pytest.mark.django_db

NA_AMBITIONS = [
    "Une région qui rayonne et qui attire par le numérique",
    "Une économie boostée par le numérique qui génère de la valeur et crée des emplois",
    "Un capital humain riche de talents et compétences numériques",
    "Un territoire connecté au service des entreprises néo-aquitaines",
]


@pytest.fixture
def regions():
    return [region(code) for code in ("27", "44", "75")]


@pytest.fixture(scope="module")
def _plans_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[Plan]]:
    """The regions and `load_roadmaps_demo()` once for the module, inside a transaction rolled
    back at its end; each test runs in a savepoint of it (pytest-django's `db`), so a second load,
    a deletion or an import is undone before the next test."""

    def build() -> list[Plan]:
        for code in ("27", "44", "75"):
            region(code)
        return load_roadmaps_demo()

    with rolled_back_world(django_db_blocker, build) as plans:
        yield plans


@pytest.fixture
def plans(_plans_world: list[Plan], db: None) -> list[Plan]:
    """The three demo plans (BFC, NA, GE) of the module's first load, read fresh from the database."""
    return [Plan.objects.get(pk=plan.pk) for plan in _plans_world]


def _counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Plan, Axis, Objective, Action, Indicator, IndicatorTarget, IndicatorValue)
    )


def test_demo_requires_the_regions(regions, monkeypatch):
    # The real regions may be loaded (and protected by their departments): ask for one that is not.
    import filiere.roadmaps.demo as demo

    monkeypatch.setattr(demo, "REGIONS", {**demo.REGIONS, "99": "Région absente"})
    with pytest.raises(ImproperlyConfigured, match=r"99 \(Région absente\)"):
        load_roadmaps_demo()
    assert not Plan.objects.exists()


def test_demo_builds_the_three_plans_of_the_seeds(plans):
    bfc, na, ge = plans
    assert [a.title for a in bfc.axes.all()] == [
        "Structurer l'écosystème",
        "Attirer et faire rayonner la filière numérique régionale",
        "Accompagner dans la continuité les chefs d'entreprise",
        "Anticiper les mutations liées à la révolution numérique et trouver les compétences",
    ]
    assert Action.objects.filter(objective__axis__plan=bfc).count() == 30
    assert [a.title for a in na.axes.all()] == NA_AMBITIONS
    objectives = Objective.objects.filter(axis__plan=na).order_by("axis__position", "position")
    assert objectives.count() == 12
    assert objectives[6].title == "Attirer les jeunes vers les métiers du numérique"
    assert ge.axes.count() == 3
    assert bfc.indicators.get(name="Salariés de la filière numérique").baseline_value == 8000
    assert na.indicators.get(name="Emplois de l'économie numérique").baseline_value == 60000
    assert ge.indicators.get(name="Taux de retour à l'emploi des stagiaires NEGE").baseline_value == 90
    assert plan_tree(na).axes[0].objectives[0].number == 1
    assert plan_tree(na).axes[3].objectives[2].number == 12


def test_demo_carries_the_seed_figures(plans):
    bfc, na, ge = plans

    def baselines(plan):
        return {i.name: i.baseline_value for i in plan.indicators.all()}

    assert {
        "Entreprises de la filière numérique": 1500,
        "Salariés de la filière numérique": 8000,
        "Croissance annuelle des effectifs": 14,
        "Entreprises accompagnées par an": 600,
        "Événements et opérations de communication/formation par an": 50,
    }.items() <= baselines(bfc).items()
    assert {
        "Emplois de l'économie numérique": 60000,
        "Établissements de l'économie numérique": 21000,
    }.items() <= (baselines(na).items())
    assert (
        na.indicators.get(name="Investissement régional dans le très haut débit").targets.last().value == 229
    )
    assert (
        na.indicators.get(name="Foyers et entreprises raccordables à la fibre (RIP)").targets.last().value
        == 1400000
    )
    assert {
        "Dossiers NEGE traités par an": 500,
        "Stagiaires NEGE par an": 200,
        "Taux de retour à l'emploi des stagiaires NEGE": 90,
    }.items() <= baselines(ge).items()
    computed = {i.computed_key for p in (bfc, na, ge) for i in p.indicators.filter(computation="computed")}
    assert computed == {
        "digital_establishments_in_region",
        "programme_files_latest_year",
        "programme_back_to_work_rate",
    }


def test_demo_computes_the_platform_indicators_without_a_click(plans):
    from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory

    firm = OrganisationFactory(digital=True)
    EstablishmentFactory(organisation=firm, region_code="27", is_digital=True, state="A")

    # Over the module's first load (without this firm): the rerun computes today's values again.
    plans = {plan.region_id: plan for plan in load_roadmaps_demo()}

    values = IndicatorValue.objects.filter(source__startswith="Calcul Filière")
    assert values.count() == 4  # every computed indicator of the three plans has today's value
    count = plans["27"].indicators.get(computed_key="digital_establishments_in_region")
    assert count.values.get(source__startswith="Calcul Filière").value == 1
    load_roadmaps_demo()
    assert values.count() == 4  # the same day: updated, not added


def test_daily_task_refreshes_every_plan(plans):
    from filiere.roadmaps.tasks import refresh_indicators

    IndicatorValue.objects.filter(source__startswith="Calcul Filière").delete()
    result = refresh_indicators.enqueue()  # immediate backend in tests
    assert result.return_value == 4
    assert IndicatorValue.objects.filter(source__startswith="Calcul Filière").count() == 4


def test_refresh_command_computes_every_plan(plans, capsys):
    call_command("roadmaps_refresh")
    assert "4 computed indicators refreshed" in capsys.readouterr().out
    assert IndicatorValue.objects.filter(source__startswith="Calcul Filière").count() == 4


def test_demo_is_idempotent(plans):
    first = _counts()  # after the module's first load
    load_roadmaps_demo()
    assert _counts() == first


def test_demo_command(regions, capsys):
    call_command("roadmaps_demo")
    call_command("roadmaps_demo")
    out = capsys.readouterr().out
    assert "30 actions" in out
    assert Plan.objects.count() == 3


def test_demo_plans_survive_an_xlsx_round_trip(plans):
    from filiere.roadmaps.services import refresh_computed_indicators
    from filiere.roadmaps.spreadsheets import export_plan_xlsx, import_plan_xlsx

    for plan in plans:
        refresh_computed_indicators(plan=plan)
        before = _counts()
        report = import_plan_xlsx(user=None, plan=plan, file=export_plan_xlsx(plan))
        assert report.ok, report.rejections
        assert set(report.counts) == {"actions_unchanged", "indicators_unchanged"}, report.counts
        assert _counts() == before
