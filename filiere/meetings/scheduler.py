"""The B2B meeting scheduler: accepted requests into slots × tables (no Django here).

One algorithm, kept whole. The model: `slots` slots and `tables` tables; in each slot a
participant is in at most one meeting, at most `tables` meetings take place, nobody meets in a
slot they are unavailable; a participant may hold a fixed table (all their meetings there).
Objective, in order: as many meetings as possible, higher priorities first, nobody left with no
meeting when one was possible, fewer idle gaps in each person's day.

1. **Upper bound**, computed in the same run by a maximum flow (scipy): each participant takes
   at most as many meetings as slots they are free, two people meet at most as many times as
   slots they are both free, a slot holds at most min(tables, free people / 2). On a general
   graph this is the fractional b-matching (flow on the bipartite double cover, halved); on a
   bipartite one (buyers × suppliers) it is the integral b-matching. When the instance is
   bipartite and everyone is free, the bound is the exact optimum: a bipartite multigraph of
   maximum degree ≤ S splits into S matchings (König), evenly (de Werra), so each slot holds
   ≤ ⌈|H| / S⌉ ≤ T meetings.
2. **Selection**: the flow's edges (those the bound uses) are coloured first.
3. **Colouring** with the table limit relaxed, by Kempe chains (alternating a/b paths swapped so
   that a slot frees up for both people), then **balancing**: alternating paths of an over-full
   slot and an under-full one are swapped until every slot fits its tables; what cannot fit is
   set aside.
4. **Repair** of every request still unplaced (selected or not) with the table limit enforced:
   direct placement, Kempe chain, moving a meeting out of a full slot, ejection chains (place it,
   re-place the meeting it displaced), until the bound is reached, nothing improves, or the time
   is up.
5. **Fairness**: a person with no meeting takes a slot from someone who keeps at least one.
6. **Gaps**: single meetings move to a free slot when that shortens someone's idle time.
7. **Tables**: fixed tables first, then the others, keeping a published meeting's table.

Re-scheduling (`published=`) starts from the published meetings still valid, places the others
without moving them first, then allows moves (locked meetings never move), and reports which
published meetings moved and which were dropped.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

MAX_SLOTS = 62  # slot sets are bit masks of Python ints; 62 keeps the numbers small


class InstanceError(ValueError):
    """An instance that cannot be scheduled; the message names the field (e.g. `requests[3]`)."""


@dataclass(frozen=True)
class Participant:
    id: str
    unavailable: frozenset[int] = frozenset()
    table: int | None = None  # a fixed table: all their meetings take place there


@dataclass(frozen=True)
class Request:
    id: str
    a: str
    b: str
    priority: int = 0


@dataclass
class Instance:
    slots: int
    tables: int
    participants: list[Participant]
    requests: list[Request]


@dataclass(frozen=True)
class Placement:
    slot: int
    table: int


@dataclass
class Schedule:
    meetings: dict[str, Placement]
    unscheduled: list[str]
    upper_bound: int
    bound_is_optimum: bool
    seconds: float
    moved: list[str] = field(default_factory=list)  # published meetings now in another slot
    dropped: list[str] = field(default_factory=list)  # published meetings no longer placed
    stats: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The command line's output: exactly the documented keys."""
        return {
            "meetings": [
                {"request": rid, "slot": p.slot, "table": p.table}
                for rid, p in sorted(self.meetings.items(), key=lambda kv: (kv[1].slot, kv[1].table))
            ],
            "unscheduled": list(self.unscheduled),
            "upper_bound": self.upper_bound,
            "seconds": round(self.seconds, 3),
        }


# --------------------------------------------------------------------------- parsing


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstanceError(f"{where} : un entier est attendu, reçu {value!r}.")
    return value


def parse_instance(data: Any) -> Instance:
    """Check a JSON instance; raise InstanceError naming the first bad field."""
    if not isinstance(data, dict):
        raise InstanceError("L'instance doit être un objet JSON.")
    for key in ("slots", "tables", "participants", "requests"):
        if key not in data:
            raise InstanceError(f"{key} : champ manquant.")
    slots = _int(data["slots"], "slots")
    tables = _int(data["tables"], "tables")
    if not 1 <= slots <= MAX_SLOTS:
        raise InstanceError(f"slots : entre 1 et {MAX_SLOTS} créneaux, reçu {slots}.")
    if tables < 1:
        raise InstanceError(f"tables : au moins une table, reçu {tables}.")
    if not isinstance(data["participants"], list):
        raise InstanceError("participants : une liste est attendue.")
    if not isinstance(data["requests"], list):
        raise InstanceError("requests : une liste est attendue.")
    participants: list[Participant] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["participants"]):
        where = f"participants[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
            raise InstanceError(f"{where}.id : identifiant (texte) manquant.")
        pid = raw["id"]
        if pid in seen:
            raise InstanceError(f"{where}.id : identifiant en double « {pid} ».")
        seen.add(pid)
        unavailable = raw.get("unavailable_slots", [])
        if not isinstance(unavailable, list):
            raise InstanceError(f"{where}.unavailable_slots : une liste est attendue.")
        for s in unavailable:
            if _int(s, f"{where}.unavailable_slots") not in range(slots):
                raise InstanceError(f"{where}.unavailable_slots : créneau {s} hors de 0..{slots - 1}.")
        table = raw.get("table")
        if table is not None and _int(table, f"{where}.table") not in range(tables):
            raise InstanceError(f"{where}.table : table {table} hors de 0..{tables - 1}.")
        participants.append(Participant(pid, frozenset(unavailable), table))
    requests: list[Request] = []
    rids: set[str] = set()
    for i, raw in enumerate(data["requests"]):
        where = f"requests[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
            raise InstanceError(f"{where}.id : identifiant (texte) manquant.")
        rid = raw["id"]
        if rid in rids:
            raise InstanceError(f"{where}.id : identifiant en double « {rid} ».")
        rids.add(rid)
        people = raw.get("participants")
        if not isinstance(people, list) or len(people) != 2:
            raise InstanceError(f"{where}.participants : exactement deux participants sont attendus.")
        for pid in people:
            if pid not in seen:
                raise InstanceError(f"{where}.participants : participant inconnu « {pid} ».")
        if people[0] == people[1]:
            raise InstanceError(f"{where}.participants : un participant ne peut pas se rencontrer lui-même.")
        priority = _int(raw.get("priority", 0), f"{where}.priority")
        requests.append(Request(rid, people[0], people[1], priority))
    return Instance(slots, tables, participants, requests)


# --------------------------------------------------------------------------- bound


def _popcount(x: int) -> int:
    return x.bit_count()


def _max_flow(n_nodes: int, arcs: list[tuple[int, int, int]], source: int, sink: int) -> tuple[int, Any]:
    if not arcs:
        return 0, None
    rows = np.fromiter((a[0] for a in arcs), dtype=np.int32, count=len(arcs))
    cols = np.fromiter((a[1] for a in arcs), dtype=np.int32, count=len(arcs))
    caps = np.fromiter((a[2] for a in arcs), dtype=np.int32, count=len(arcs))
    graph = csr_matrix((caps, (rows, cols)), shape=(n_nodes, n_nodes))
    result = maximum_flow(graph, source, sink, method="dinic")
    return int(result.flow_value), result.flow


def _two_colouring(n: int, pairs: Iterable[tuple[int, int]]) -> list[int] | None:
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for u, v in pairs:
        adjacency[u].append(v)
        adjacency[v].append(u)
    side = [-1] * n
    for start in range(n):
        if side[start] >= 0:
            continue
        side[start] = 0
        stack = [start]
        while stack:
            x = stack.pop()
            for y in adjacency[x]:
                if side[y] < 0:
                    side[y] = 1 - side[x]
                    stack.append(y)
                elif side[y] == side[x]:
                    return None
    return side


def _bound(
    n: int, slots: int, tables: int, avail: list[int], pair_edges: Mapping[tuple[int, int], list[int]]
) -> tuple[int, dict[tuple[int, int], float], bool]:
    """(upper bound, flow share per pair, bipartite?)."""
    per_slot = sum(min(tables, sum(1 for a in avail if a >> s & 1) // 2) for s in range(slots))
    pair_cap = {
        pair: min(len(es), _popcount(avail[pair[0]] & avail[pair[1]])) for pair, es in pair_edges.items()
    }
    pair_cap = {pair: c for pair, c in pair_cap.items() if c > 0}
    side = _two_colouring(n, pair_cap)
    # nodes: 0 = super source, 1 = source, then participants' nodes, last = sink
    if side is not None:
        base, sink = 2, n + 2
        arcs = [(0, 1, per_slot)]
        for v in range(n):
            b = _popcount(avail[v])
            arcs.append((1, base + v, b) if side[v] == 0 else (base + v, sink, b))
        for (u, v), c in pair_cap.items():
            left, right = (u, v) if side[u] == 0 else (v, u)
            arcs.append((base + left, base + right, c))
        value, flow = _max_flow(n + 3, arcs, 0, sink)
        share: dict[tuple[int, int], float] = {}
        if flow is not None:
            flow = flow.tocsr()
            for (u, v), _c in pair_cap.items():
                left, right = (u, v) if side[u] == 0 else (v, u)
                share[(u, v)] = float(flow[base + left, base + right])
        return min(value, per_slot), share, True
    left, right, sink = 2, 2 + n, 2 + 2 * n
    arcs = [(0, 1, 2 * per_slot)]
    for v in range(n):
        b = _popcount(avail[v])
        arcs.append((1, left + v, b))
        arcs.append((right + v, sink, b))
    for (u, v), c in pair_cap.items():
        arcs.append((left + u, right + v, c))
        arcs.append((left + v, right + u, c))
    value, flow = _max_flow(2 * n + 3, arcs, 0, sink)
    share = {}
    if flow is not None:
        flow = flow.tocsr()
        for u, v in pair_cap:
            share[(u, v)] = (float(flow[left + u, right + v]) + float(flow[left + v, right + u])) / 2
    return min(value // 2, per_slot), share, False


# --------------------------------------------------------------------------- state


class _State:
    """Who meets whom in which slot, with O(1) checks (bit masks per person and table)."""

    def __init__(
        self, n_resources: int, slots: int, cap: int, ends: list[tuple[int, ...]], avail_e: list[int]
    ):
        self.slots = slots
        self.cap = cap
        self.ends = ends  # resources of each request: two people (+ a shared fixed table)
        self.avail_e = avail_e  # slots where every person of the request is available
        self.slot_of = [-1] * len(ends)
        self.at: list[list[int]] = [[-1] * slots for _ in range(n_resources)]
        self.busy = [0] * n_resources
        self.count = [0] * slots
        self.members: list[set[int]] = [set() for _ in range(slots)]
        self.immovable: set[int] = set()
        self.all_slots = (1 << slots) - 1

    def full_mask(self) -> int:
        return sum(1 << s for s in range(self.slots) if self.count[s] >= self.cap)

    def free_mask(self, e: int) -> int:
        mask = self.avail_e[e]
        for r in self.ends[e]:
            mask &= ~self.busy[r]
        return mask

    def can(self, e: int, s: int) -> bool:
        return bool(self.free_mask(e) >> s & 1) and self.count[s] < self.cap

    def place(self, e: int, s: int) -> None:
        self.slot_of[e] = s
        for r in self.ends[e]:
            self.at[r][s] = e
            self.busy[r] |= 1 << s
        self.count[s] += 1
        self.members[s].add(e)

    def remove(self, e: int) -> int:
        s = self.slot_of[e]
        self.slot_of[e] = -1
        for r in self.ends[e]:
            self.at[r][s] = -1
            self.busy[r] &= ~(1 << s)
        self.count[s] -= 1
        self.members[s].discard(e)
        return s

    def reassign(self, moves: list[tuple[int, int]]) -> bool:
        """Move several meetings at once (e, new slot); all or nothing."""
        old = [(e, self.slot_of[e]) for e, _ in moves]
        for e, _ in old:
            self.remove(e)
        done: list[int] = []
        for e, s in moves:
            if not self.can(e, s):
                for d in done:
                    self.remove(d)
                for oe, os_ in old:
                    self.place(oe, os_)
                return False
            self.place(e, s)
            done.append(e)
        return True


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _gaps(mask: int) -> int:
    if not mask:
        return 0
    low = (mask & -mask).bit_length() - 1
    return mask.bit_length() - low - mask.bit_count()


class _Solver:
    def __init__(self, state: _State, n_people: int, rng: random.Random, deadline: float):
        self.st = state
        self.n = n_people
        self.rng = rng
        self.deadline = deadline

    # -- Kempe chain: free slot a for both people of e by swapping an a/b path
    def kempe(self, e: int) -> bool:
        st = self.st
        u, v = st.ends[e][0], st.ends[e][1]
        both = st.avail_e[e]
        for x, y in ((u, v), (v, u)):
            free_x = both & ~st.busy[x]
            free_y = both & ~st.busy[y]
            for a in _bits(free_x & ~free_y):
                for b in _bits(free_y):
                    path = self._chain(y, a, b, x)
                    if path is None:
                        continue
                    moves = [(f, b if st.slot_of[f] == a else a) for f in path]
                    if not st.reassign(moves):
                        continue
                    if st.can(e, a):
                        st.place(e, a)
                        return True
                    st.reassign([(f, a if s == b else b) for f, s in moves])
        return False

    def _chain(self, start: int, a: int, b: int, avoid: int) -> list[int] | None:
        st = self.st
        path: list[int] = []
        x, colour = start, a
        seen = 0
        while True:
            f = st.at[x][colour]
            if f < 0:
                break
            if f in st.immovable:
                return None
            path.append(f)
            ends = st.ends[f]
            x = ends[1] if ends[0] == x else ends[0]
            if x == avoid:
                return None
            colour = b if colour == a else a
            seen += 1
            if seen > 4 * self.n:
                return None
        return path

    # -- a full slot: move one of its meetings elsewhere
    def table_move(self, e: int) -> bool:
        st = self.st
        full = st.full_mask()
        common = st.free_mask(e) & full
        if not common:
            return False
        notfull = st.all_slots & ~full
        if not notfull:
            return False
        for s in _bits(common):
            for f in list(st.members[s]):
                if f in st.immovable:
                    continue
                targets = st.free_mask(f) & notfull
                if targets:
                    t = _bits(targets)[0]
                    st.remove(f)
                    st.place(f, t)
                    st.place(e, s)
                    return True
        return False

    def insert(self, e: int, depth: int = 0, tabu: set[int] | None = None) -> bool:
        st = self.st
        free = st.free_mask(e) & ~st.full_mask()
        if free:
            st.place(e, _bits(free)[0])
            return True
        if self.kempe(e) or self.table_move(e):
            return True
        if depth <= 0 or time.perf_counter() > self.deadline:
            return False
        tabu = tabu if tabu is not None else set()
        tabu.add(e)
        # ejection: take a slot where exactly one meeting is in the way, re-place that one
        candidates = _bits(st.avail_e[e])
        self.rng.shuffle(candidates)
        for s in candidates:
            blockers = {st.at[r][s] for r in st.ends[e]} - {-1}
            if len(blockers) != 1:
                continue
            f = blockers.pop()
            if f in tabu or f in st.immovable:
                continue
            st.remove(f)
            if not st.can(e, s):
                st.place(f, s)
                continue
            st.place(e, s)
            if self.insert(f, depth - 1, tabu):
                return True
            st.remove(e)
            st.place(f, s)
        return False


# --------------------------------------------------------------------------- schedule


def schedule(
    instance: Instance,
    *,
    published: Mapping[str, Placement] | None = None,
    locked: Iterable[str] = (),
    time_limit: float = 10.0,
    seed: int = 0,
) -> Schedule:
    """Place the instance's requests; with `published`, re-schedule moving as few as possible."""
    started = time.perf_counter()
    deadline = started + time_limit
    rng = random.Random(seed)
    S, T = instance.slots, instance.tables
    index = {p.id: i for i, p in enumerate(instance.participants)}
    n = len(index)
    everyone = (1 << S) - 1
    avail = [everyone & ~sum(1 << s for s in p.unavailable) for p in instance.participants]
    fixed = [p.table for p in instance.participants]
    holders: dict[int, int] = defaultdict(int)
    for t in fixed:
        if t is not None:
            holders[t] += 1
    shared_table = {t: n + k for k, t in enumerate(sorted(t for t, c in holders.items() if c > 1))}
    requests = instance.requests
    ends: list[tuple[int, ...]] = []
    table_of: list[int | None] = []
    pair_edges: dict[tuple[int, int], list[int]] = defaultdict(list)
    for e, r in enumerate(requests):
        u, v = index[r.a], index[r.b]
        table = fixed[u] if fixed[u] is not None else fixed[v]
        table_of.append(table)
        res: tuple[int, ...] = (u, v) if table not in shared_table else (u, v, shared_table[table])
        ends.append(res)
        pair_edges[(min(u, v), max(u, v))].append(e)
    avail_e = [avail[ends[e][0]] & avail[ends[e][1]] for e in range(len(requests))]
    bound, share, bipartite = _bound(n, S, T, avail, pair_edges)
    exact = bipartite and all(a == everyone for a in avail) and not shared_table

    st = _State(n + len(shared_table), S, T, ends, avail_e)
    solver = _Solver(st, n, rng, deadline)
    degree = [0] * n
    for r in requests:
        degree[index[r.a]] += 1
        degree[index[r.b]] += 1

    def order_key(e: int) -> tuple[int, int, int]:
        u, v = ends[e][0], ends[e][1]
        return (-requests[e].priority, min(degree[u], degree[v]), max(degree[u], degree[v]))

    rid_index = {r.id: e for e, r in enumerate(requests)}
    published = dict(published or {})
    locked_ids = set(locked)
    kept_published: set[int] = set()
    if published:
        for rid, placement in published.items():
            found = rid_index.get(rid)
            if found is None or not 0 <= placement.slot < S:
                continue
            e = found
            if st.can(e, placement.slot):
                st.place(e, placement.slot)
                kept_published.add(e)
                if rid in locked_ids:
                    st.immovable.add(e)
    else:
        # selection: the bound's flow says which requests of a pair are worth placing first
        # (the flow ignores priorities: requests above the lowest priority are coloured first)
        chosen: set[int] = set()
        for pair, es in pair_edges.items():
            k = int(round(share.get(pair, 0.0) + 0.49))
            es.sort(key=lambda e: -requests[e].priority)
            chosen.update(es[:k])
        lowest = min((r.priority for r in requests), default=0)
        chosen |= {e for e, r in enumerate(requests) if r.priority > lowest}
        selected = sorted(chosen, key=lambda e: (-requests[e].priority, *order_key(e)[1:]))
        # colouring with the table limit relaxed, then balancing
        st.cap = 10**9
        for e in selected:
            if time.perf_counter() > deadline:
                break
            if not solver.insert(e, depth=0):
                continue
        st.cap = T
        _balance(st, rng)

    placed = sum(1 for s in st.slot_of if s >= 0)
    pending = sorted((e for e in range(len(requests)) if st.slot_of[e] < 0), key=order_key)
    # direct placement first (no moves), then repair with moves
    if published:
        st.immovable |= kept_published
        for e in pending:
            free = st.free_mask(e) & ~st.full_mask()
            if free:
                st.place(e, _bits(free)[0])
        pending = [e for e in pending if st.slot_of[e] < 0]
        for e in pending:
            if solver.kempe(e) or solver.table_move(e):
                continue
        st.immovable = {e for e in kept_published if requests[e].id in locked_ids}
    depth = 0
    while True:
        placed = sum(1 for s in st.slot_of if s >= 0)
        if placed >= bound or time.perf_counter() > deadline:
            break
        pending = [e for e in pending if st.slot_of[e] < 0]
        before = placed
        for e in pending:
            if time.perf_counter() > deadline or placed >= bound:
                break
            if solver.insert(e, depth=depth):
                placed += 1
        if placed == before:
            if depth >= 3:
                break
            depth += 1
    _fairness(st, solver, n, requests, deadline)
    if not published:
        _shorten_gaps(st, n, deadline + 1.0)
    placements = _tables(st, requests, table_of, T, published)
    moved = [
        requests[e].id
        for e in kept_published
        if st.slot_of[e] >= 0 and st.slot_of[e] != published[requests[e].id].slot
    ]
    dropped = [rid for rid in published if rid not in placements]
    unscheduled = [r.id for e, r in enumerate(requests) if st.slot_of[e] < 0]
    counts = [0] * n
    gaps = 0
    for e, s in enumerate(st.slot_of):
        if s >= 0:
            counts[ends[e][0]] += 1
            counts[ends[e][1]] += 1
    for v in range(n):
        gaps += _gaps(st.busy[v])
    wanting = {ends[e][k] for e in range(len(requests)) for k in (0, 1)}
    stats = {
        "placed": len(placements),
        "requests": len(requests),
        "participants_with_none": sum(1 for v in wanting if counts[v] == 0),
        "idle_gaps": gaps,
        "bipartite": bipartite,
    }
    return Schedule(
        meetings=placements,
        unscheduled=unscheduled,
        upper_bound=bound,
        bound_is_optimum=exact,
        seconds=time.perf_counter() - started,
        moved=sorted(moved),
        dropped=sorted(dropped),
        stats=stats,
    )


def _balance(st: _State, rng: random.Random) -> None:
    """Bring every slot to at most `cap` meetings by swapping alternating paths (de Werra)."""
    S = st.slots
    for a in range(S):
        while st.count[a] > st.cap:
            moved = False
            for b in sorted(range(S), key=lambda s: st.count[s]):
                if st.count[b] >= st.cap:
                    break
                if _swap_one_path(st, a, b):
                    moved = True
                    break
            if not moved:
                # set aside the meeting whose people have the most meetings
                victim = max(
                    st.members[a],
                    key=lambda f: min(st.busy[st.ends[f][0]].bit_count(), st.busy[st.ends[f][1]].bit_count()),
                )
                st.remove(victim)


def _swap_one_path(st: _State, a: int, b: int) -> bool:
    """Find an a/b alternating path starting and ending with an a-meeting; swap it."""
    for f in list(st.members[a]):
        for start in st.ends[f][:2]:
            if st.at[start][b] >= 0:
                continue
            path: list[int] = []
            x, colour = start, a
            while True:
                g = st.at[x][colour]
                if g < 0:
                    break
                path.append(g)
                ends = st.ends[g]
                x = ends[1] if ends[0] == x else ends[0]
                colour = b if colour == a else a
            if colour != b:  # ended after a b-meeting: as many a as b, no gain
                continue
            moves = [(g, b if st.slot_of[g] == a else a) for g in path]
            saved = st.cap
            st.cap = 10**9
            ok = st.reassign(moves)
            st.cap = saved
            if ok:
                return True
    return False


def _fairness(st: _State, solver: _Solver, n: int, requests: list[Request], deadline: float) -> None:
    """Someone with no meeting takes a slot from a meeting whose people keep at least one more."""
    counts = [st.busy[v].bit_count() for v in range(n)]
    pending = [e for e in range(len(requests)) if st.slot_of[e] < 0]
    for e in pending:
        if time.perf_counter() > deadline:
            return
        u, v = st.ends[e][0], st.ends[e][1]
        if counts[u] and counts[v]:
            continue
        if st.slot_of[e] >= 0:
            continue
        for s in _bits(st.avail_e[e]):
            blockers = {st.at[r][s] for r in st.ends[e]} - {-1}
            if len(blockers) > 1 or blockers & st.immovable:
                continue
            if not blockers and st.count[s] >= st.cap:
                # a full slot: evict a meeting whose people both keep another one
                movable = [
                    f for f in st.members[s]
                    if f not in st.immovable and counts[st.ends[f][0]] > 1 and counts[st.ends[f][1]] > 1
                ]  # fmt: skip
                if not movable:
                    continue
                blockers = {movable[0]}
            if blockers:
                f = blockers.pop()
                fu, fv = st.ends[f][0], st.ends[f][1]
                keeps = [w for w in (fu, fv) if w not in (u, v)]
                if any(counts[w] <= 1 for w in keeps):
                    continue
                st.remove(f)
                for w in (fu, fv):
                    counts[w] -= 1
                if not st.can(e, s):
                    st.place(f, s)
                    for w in (fu, fv):
                        counts[w] += 1
                    continue
                st.place(e, s)
                counts[u] += 1
                counts[v] += 1
                if solver.insert(f, depth=1):
                    for w in (fu, fv):
                        counts[w] += 1
                break
            if st.can(e, s):
                st.place(e, s)
                counts[u] += 1
                counts[v] += 1
                break


def _shorten_gaps(st: _State, n: int, deadline: float) -> None:
    """Move single meetings to another free slot when that shortens the two people's idle time."""
    for _ in range(3):
        improved = False
        for e in range(len(st.slot_of)):
            if time.perf_counter() > deadline:
                return
            s = st.slot_of[e]
            if s < 0 or e in st.immovable:
                continue
            u, v = st.ends[e][0], st.ends[e][1]
            before = _gaps(st.busy[u]) + _gaps(st.busy[v])
            if not before:
                continue
            st.remove(e)
            targets = st.free_mask(e) & ~st.full_mask()
            best, best_gain = s, 0
            for t in _bits(targets):
                after = _gaps(st.busy[u] | 1 << t) + _gaps(st.busy[v] | 1 << t)
                if before - after > best_gain:
                    best, best_gain = t, before - after
            st.place(e, best)
            improved |= best != s
        if not improved:
            return


def _tables(
    st: _State,
    requests: list[Request],
    table_of: list[int | None],
    tables: int,
    published: Mapping[str, Placement],
) -> dict[str, Placement]:
    out: dict[str, Placement] = {}
    for s in range(st.slots):
        taken: set[int] = set()
        floating: list[int] = []
        for e in sorted(st.members[s]):
            t = table_of[e]
            if t is not None and t not in taken:
                taken.add(t)
                out[requests[e].id] = Placement(s, t)
            else:
                floating.append(e)
        # the fixed tables of people not meeting in this slot are free for the others
        rest: list[int] = []
        for e in floating:
            before = published.get(requests[e].id)
            if before is not None and before.slot == s and before.table not in taken:
                taken.add(before.table)
                out[requests[e].id] = Placement(s, before.table)
            else:
                rest.append(e)
        free_tables = iter(t for t in range(tables) if t not in taken)
        for e in rest:
            out[requests[e].id] = Placement(s, next(free_tables))
    return out


def greedy(instance: Instance) -> list[str]:
    """The baseline: each request in order, in the first slot where both people and a table are free.

    Returns the ids of the requests it placed."""
    S, T = instance.slots, instance.tables
    index = {p.id: i for i, p in enumerate(instance.participants)}
    busy = [sum(1 << s for s in p.unavailable) for p in instance.participants]
    count = [0] * S
    full = 0
    placed: list[str] = []
    for r in instance.requests:
        u, v = index[r.a], index[r.b]
        free = ~(busy[u] | busy[v] | full) & ((1 << S) - 1)
        if not free:
            continue
        s = (free & -free).bit_length() - 1
        busy[u] |= 1 << s
        busy[v] |= 1 << s
        count[s] += 1
        if count[s] >= T:
            full |= 1 << s
        placed.append(r.id)
    return placed
