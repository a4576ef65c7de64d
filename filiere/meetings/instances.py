"""Generated B2B meeting instances in the command line's JSON format (the bench and the tests)."""

from __future__ import annotations

import random
from typing import Any


def generate(
    *,
    participants: int = 1000,
    requests: int = 5000,
    slots: int = 16,
    tables: int = 400,
    buyers: int = 300,
    unavailable: bool = False,
    mixed: bool = False,
    seed: int = 1,
) -> dict[str, Any]:
    """A big regional forum: `buyers` wanted by many (Zipf-like demand), the rest suppliers.

    `unavailable`: a third of the people miss 1 to 6 slots (a late arrival, an early train).
    `mixed`: one request in ten is between two suppliers (participants of role "both"), so the
    graph is no longer bipartite.
    """
    rng = random.Random(seed)
    people = [f"p{i}" for i in range(participants)]
    buyer_ids, supplier_ids = people[:buyers], people[buyers:]
    weights = [1 / (rank + 1) ** 0.6 for rank in range(buyers)]
    pairs: set[tuple[str, str]] = set()
    out_requests: list[dict[str, Any]] = []
    while len(out_requests) < requests:
        if mixed and rng.random() < 0.1:
            a, b = rng.sample(supplier_ids, 2)
        else:
            a = rng.choice(supplier_ids)
            b = rng.choices(buyer_ids, weights)[0]
        key = (min(a, b), max(a, b))
        if key in pairs:
            continue
        pairs.add(key)
        out_requests.append({"id": f"r{len(out_requests)}", "participants": [a, b]})
    out_people: list[dict[str, Any]] = []
    for pid in people:
        missing: list[int] = []
        if unavailable and rng.random() < 1 / 3:
            k = rng.randint(1, 6)
            if rng.random() < 0.5:  # arrives late
                missing = list(range(k))
            else:  # leaves early
                missing = list(range(slots - k, slots))
        out_people.append({"id": pid, "unavailable_slots": missing})
    return {"slots": slots, "tables": tables, "participants": out_people, "requests": out_requests}
