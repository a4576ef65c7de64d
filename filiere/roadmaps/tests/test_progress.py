"""Roll-up arithmetic and explanations: pure functions, no database."""

from __future__ import annotations

from decimal import Decimal

from filiere.roadmaps.progress import (
    IndicatorState,
    Progress,
    Weighted,
    action_progress,
    format_number,
    group_progress,
    indicator_progress,
    indicator_ratio,
    weighted_mean,
)

D = Decimal


def test_indicator_ratio_up():
    assert indicator_ratio(baseline=D(100), target=D(200), latest=D(160)) == 0.6


def test_indicator_ratio_down_is_good():
    # Unemployment from 10 % to 6 %: at 8 % half the way is done.
    assert indicator_ratio(baseline=D(10), target=D(6), latest=D(8), direction="down") == 0.5


def test_indicator_ratio_is_clipped():
    assert indicator_ratio(baseline=D(100), target=D(200), latest=D(260)) == 1.0
    assert indicator_ratio(baseline=D(100), target=D(200), latest=D(80)) == 0.0
    assert indicator_ratio(baseline=D(10), target=D(6), latest=D(12), direction="down") == 0.0


def test_indicator_ratio_target_equal_to_baseline_respects_direction():
    # "Keep the 90 % back-to-work rate": reached at 91 if up is good, missed if down is good.
    assert indicator_ratio(baseline=D(90), target=D(90), latest=D(91)) == 1.0
    assert indicator_ratio(baseline=D(90), target=D(90), latest=D(88)) == 0.0
    assert indicator_ratio(baseline=D(90), target=D(90), latest=D(91), direction="down") == 0.0


def test_indicator_without_value_or_target_is_unknown():
    assert indicator_progress(IndicatorState("Emplois", D(1), None, D(2))).value is None
    assert indicator_progress(IndicatorState("Emplois", D(1), D(3), None)).value is None


def test_indicator_without_baseline_starts_from_first_value():
    state = IndicatorState("Établissements", None, D(300), D(200), first=D(100))
    assert indicator_progress(state).value == 0.5


def test_indicator_explanation():
    progress = indicator_progress(IndicatorState("Emplois", D(60000), D(70000), D(66000)))
    assert progress.percent == 60
    assert progress.explanation == "Emplois à 60\u00a0% (66\u202f000 / cible 70\u202f000)"


def test_action_uses_indicators_first():
    progress = action_progress(
        indicators=[Progress(0.6, "A à 60 %"), Progress(0.2, "B à 20 %"), Progress(None, "C")],
        steps_done=3,
        steps_total=3,
        status="done",
    )
    assert round(progress.value, 6) == 0.4


def test_action_falls_back_on_steps_then_status():
    steps = action_progress(indicators=[], steps_done=1, steps_total=4, status="in_progress")
    assert steps.value == 0.25 and steps.explanation == "1 étape sur 4 réalisée"
    status = action_progress(indicators=[], steps_done=0, steps_total=0, status="done")
    assert status.value == 1.0 and "terminée" in status.explanation
    assert action_progress(indicators=[], steps_done=0, steps_total=0, status="not_started").value == 0.0


def test_abandoned_action_is_left_out():
    abandoned = action_progress(indicators=[], steps_done=0, steps_total=0, status="abandoned")
    assert abandoned.value is None
    assert weighted_mean([Weighted(abandoned), Weighted(Progress(1.0, ""))]) == 1.0


def test_weighted_mean_uses_weights():
    children = [Weighted(Progress(1.0, ""), 3), Weighted(Progress(0.0, ""), 1)]
    assert weighted_mean(children) == 0.75


def test_weight_zero_is_not_counted():
    assert weighted_mean([Weighted(Progress(1.0, ""), 0), Weighted(Progress(0.5, ""), 1)]) == 0.5


def test_empty_group_is_unknown():
    progress = group_progress(children=[])
    assert progress.value is None
    assert progress.explanation == "aucune action"


def test_group_explanation_counts_done_actions_and_quotes_indicators():
    children = [
        Weighted(Progress(1.0, ""), done=True),
        Weighted(Progress(1.0, ""), done=True),
        Weighted(Progress(0.6, "X à 60 % (6 / cible 10)")),
    ]
    progress = group_progress(children=children, indicators=[Progress(0.6, "X à 60 % (6 / cible 10)")])
    assert progress.explanation == "2 actions sur 3 terminées, indicateur X à 60 %"
    assert round(progress.value, 6) == round(2.6 / 3, 6)


def test_group_without_measurable_child_uses_its_own_indicators():
    progress = group_progress(
        children=[Weighted(Progress(None, ""))],
        actions_done=0,
        actions_total=1,
        indicators=[Progress(0.3, "Y")],
    )
    assert progress.value == 0.3


def test_format_number_is_french():
    assert format_number(D("1400000")) == "1\u202f400\u202f000"
    assert format_number(D("12.50")) == "12,5"
    assert format_number(D("-3")) == "-3"
