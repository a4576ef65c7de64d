"""The scheduler (no database): valid schedules, the optimum where it is known, late changes, bad input."""

from __future__ import annotations

import io
import itertools
import json
import random
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from filiere.meetings import scheduler
from filiere.meetings.instances import generate
from filiere.meetings.scheduler import Instance, InstanceError, Participant, Placement, Request


def check_valid(instance: Instance, meetings: dict[str, Placement]) -> None:
    """Every rule of the model, recounted from the output."""
    people = {p.id: p for p in instance.participants}
    requests = {r.id: r for r in instance.requests}
    busy: set[tuple[str, int]] = set()
    tables: set[tuple[int, int]] = set()
    for rid, placement in meetings.items():
        request = requests[rid]
        assert 0 <= placement.slot < instance.slots and 0 <= placement.table < instance.tables
        assert (placement.slot, placement.table) not in tables, "two meetings at one table"
        tables.add((placement.slot, placement.table))
        for pid in (request.a, request.b):
            assert placement.slot not in people[pid].unavailable, f"{pid} is unavailable"
            assert (pid, placement.slot) not in busy, f"{pid} twice in slot {placement.slot}"
            busy.add((pid, placement.slot))
        fixed = people[request.a].table if people[request.a].table is not None else people[request.b].table
        if fixed is not None:
            assert placement.table == fixed


def brute_force(instance: Instance) -> int:
    """The optimum by trying every assignment (tiny instances only)."""
    people = {p.id: p for p in instance.participants}
    best = 0
    options = range(-1, instance.slots)
    for choice in itertools.product(options, repeat=len(instance.requests)):
        count = [0] * instance.slots
        busy: set[tuple[str, int]] = set()
        ok = True
        for request, s in zip(instance.requests, choice, strict=True):
            if s < 0:
                continue
            count[s] += 1
            for pid in (request.a, request.b):
                if s in people[pid].unavailable or (pid, s) in busy:
                    ok = False
                busy.add((pid, s))
        if ok and all(c <= instance.tables for c in count):
            best = max(best, sum(1 for s in choice if s >= 0))
    return best


def tiny(seed: int, bipartite: bool) -> Instance:
    rng = random.Random(seed)
    people = [Participant(f"p{i}", frozenset(s for s in range(3) if rng.random() < 0.25)) for i in range(6)]
    requests = []
    for k in range(7):
        if bipartite:
            a, b = f"p{rng.randrange(2)}", f"p{rng.randrange(2, 6)}"
        else:
            a, b = (f"p{i}" for i in rng.sample(range(6), 2))
        requests.append(Request(f"r{k}", a, b))
    return Instance(slots=3, tables=2, participants=people, requests=requests)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("bipartite", [True, False])
def test_tiny_instances_reach_the_brute_force_optimum_under_a_valid_bound(seed: int, bipartite: bool) -> None:
    instance = tiny(seed, bipartite)
    result = scheduler.schedule(instance)
    check_valid(instance, result.meetings)
    optimum = brute_force(instance)
    assert result.upper_bound >= optimum
    assert len(result.meetings) == optimum
    assert set(result.unscheduled) == {r.id for r in instance.requests} - set(result.meetings)


def test_forum_scale_bipartite_free_instance_reaches_the_exact_optimum() -> None:
    instance = scheduler.parse_instance(
        generate(participants=300, requests=1500, buyers=90, tables=60, seed=3)
    )
    result = scheduler.schedule(instance)
    check_valid(instance, result.meetings)
    assert result.bound_is_optimum
    assert len(result.meetings) == result.upper_bound
    assert len(result.meetings) >= len(scheduler.greedy(instance))
    assert result.stats["participants_with_none"] == 0


def test_unavailable_slots_and_mixed_roles_stay_valid_and_close_to_the_bound() -> None:
    data = generate(
        participants=300, requests=1500, buyers=90, tables=60, unavailable=True, mixed=True, seed=4
    )
    instance = scheduler.parse_instance(data)
    result = scheduler.schedule(instance)
    check_valid(instance, result.meetings)
    assert not result.bound_is_optimum and not result.stats["bipartite"]
    assert len(result.meetings) >= 0.99 * result.upper_bound


def test_fixed_tables_are_kept_even_when_shared() -> None:
    people = [Participant("buyer", table=2), Participant("lab", table=2)] + [
        Participant(f"s{i}") for i in range(4)
    ]
    requests = [Request(f"r{i}", "buyer", f"s{i}") for i in range(4)] + [Request("x", "lab", "s0")]
    instance = Instance(slots=3, tables=3, participants=people, requests=requests)
    result = scheduler.schedule(instance)
    check_valid(instance, result.meetings)
    assert len(result.meetings) == 3  # buyer and lab share table 2: three slots for five requests
    assert {p.table for p in result.meetings.values()} == {2}


def test_priorities_win_when_not_everything_fits() -> None:
    people = [Participant("a"), Participant("b"), Participant("c")]
    requests = [Request("low", "a", "b"), Request("high", "a", "c", priority=5)]
    result = scheduler.schedule(Instance(slots=1, tables=1, participants=people, requests=requests))
    assert list(result.meetings) == ["high"] and result.unscheduled == ["low"]


def test_late_changes_move_few_published_meetings_and_say_which() -> None:
    data = generate(participants=200, requests=900, buyers=60, tables=40, unavailable=True, seed=5)
    instance = scheduler.parse_instance(data)
    first = scheduler.schedule(instance)
    # slot 3 is removed: every person becomes unavailable then
    for p in data["participants"]:
        p["unavailable_slots"] = sorted(set(p["unavailable_slots"]) | {3})
    changed = scheduler.parse_instance(data)
    in_slot_3 = {rid for rid, p in first.meetings.items() if p.slot == 3}
    locked = {rid for rid, p in first.meetings.items() if p.slot == 0}
    again = scheduler.schedule(changed, published=first.meetings, locked=locked)
    check_valid(changed, again.meetings)
    assert all(again.meetings[rid] == first.meetings[rid] for rid in locked)
    moved_or_dropped = set(again.moved) | set(again.dropped)
    assert in_slot_3 <= moved_or_dropped  # those of the removed slot moved or could not be placed
    assert len(moved_or_dropped) <= len(in_slot_3) + 0.05 * len(first.meetings)
    for rid in again.moved:
        assert again.meetings[rid].slot != first.meetings[rid].slot
    unchanged = set(first.meetings) - moved_or_dropped
    assert all(again.meetings[rid].slot == first.meetings[rid].slot for rid in unchanged)


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        (
            {"requests": [{"id": "r", "participants": ["a", "zz"]}]},
            "requests[0].participants : participant inconnu « zz »",
        ),
        ({"requests": [{"id": "r", "participants": ["a", "a"]}]}, "ne peut pas se rencontrer lui-même"),
        (
            {"participants": [{"id": "a", "unavailable_slots": [4]}, {"id": "b"}]},
            "participants[0].unavailable_slots : créneau 4 hors de 0..1",
        ),
        ({"tables": 0}, "tables : au moins une table"),
        ({"participants": [{"id": "a"}, {"id": "a"}]}, "participants[1].id : identifiant en double"),
        ({"slots": "2"}, "slots : un entier est attendu"),
    ],
)
def test_bad_instances_are_refused_naming_the_field(patch: dict, message: str) -> None:
    data = {
        "slots": 2,
        "tables": 1,
        "participants": [{"id": "a"}, {"id": "b"}],
        "requests": [{"id": "r", "participants": ["a", "b"]}],
    }
    data.update(patch)
    with pytest.raises(
        InstanceError, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")
    ):
        scheduler.parse_instance(data)


def test_command_prints_exactly_the_documented_json(tmp_path: Path) -> None:
    data = generate(participants=40, requests=120, buyers=8, tables=6, unavailable=True, seed=2)
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data))
    out = io.StringIO()
    call_command("meetings", "schedule", str(path), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"meetings", "unscheduled", "upper_bound", "seconds"}
    instance = scheduler.parse_instance(data)
    meetings = {m["request"]: Placement(m["slot"], m["table"]) for m in result["meetings"]}
    check_valid(instance, meetings)
    assert set(meetings).isdisjoint(result["unscheduled"])
    assert len(meetings) + len(result["unscheduled"]) == len(data["requests"])
    assert len(meetings) <= result["upper_bound"] and result["seconds"] >= 0


def test_command_refuses_a_bad_instance_and_prints_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"slots": 2, "tables": 1,\n "participants": [}')
    out = io.StringIO()
    with pytest.raises(CommandError, match="JSON invalide ligne 2"):
        call_command("meetings", "schedule", str(path), "--json", stdout=out)
    path.write_text(
        json.dumps(
            {
                "slots": 2,
                "tables": 1,
                "participants": [{"id": "a"}],
                "requests": [{"id": "r", "participants": ["a", "b"]}],
            }
        )
    )
    with pytest.raises(CommandError, match="participant inconnu « b »"):
        call_command("meetings", "schedule", str(path), "--json", stdout=out)
    assert out.getvalue() == ""
