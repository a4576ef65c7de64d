"""Directory search latency: the search page's selector over `--rows` establishments.

Loads `--rows` synthetic establishments (default 1,000,000) straight into the tables: realistic
names (trades, surnames, digital words), real communes weighted by population (COG 2026), real
NAF sous-classes (~3 % digital), INSEE headcount bands, ~15 % closed, 1 to 3 establishments per
organisation, and the folded `search_text` the importer writes. Full-text objects (SQLite FTS5
triggers, PostgreSQL GIN index) are dropped during the load and rebuilt after it.

Then ~200 realistic queries (names, towns, name + town, as-you-type prefixes, some with a region
filter, a few filter-only) each run `search_directory` — the same call as /annuaire/: capped
count, first page of results with their labels, and every facet's counts. Facet counting stops
at `DIRECTORY_FACET_LIMIT` matching rows (above it the page says "plus de N" and counts over the
first N rows); the setting used is reported. Goal: p95 < 50 ms.

The same queries also run through `previous_search_directory` (facet filters on the columns,
every match sorted for the first page, limit 20,000) in the same run, for a comparison that
does not depend on the load of the shared machine (reported with the load average).

Standalone: `SECRET_KEY=x DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python -m bench.bench_search --rows 100000`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import time
from argparse import Namespace
from importlib import import_module
from pathlib import Path
from typing import Any

from filiere.organisations.search import SEARCH_MIGRATION

GOAL_P95_MS = 50.0
QUERY_COUNT = 200
SEED = 20261123

TRADES = [
    "Boulangerie", "Garage", "Pharmacie", "Transports", "Menuiserie", "Plomberie", "Restaurant", "Cabinet",
    "Atelier", "Agence", "Studio", "Groupe", "Société", "Entreprise", "Maison", "Bâtiment", "Immobilière",
    "Conseil", "Coiffure", "Librairie", "Électricité", "Boucherie", "Auto-école", "Hôtel", "Café",
]  # fmt: skip
DIGITAL_WORDS = [
    "Numérique", "Informatique", "Digital", "Data", "Web", "Cloud", "Logiciels", "Cyber", "Systèmes",
    "Réseaux", "Code", "Pixel", "Octet", "Algorithmes", "Intelligence", "Solutions", "Technologies",
]  # fmt: skip
SURNAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
    "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
    "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
]  # fmt: skip
PLACES = ["Cité", "Pôle", "Campus", "Village", "Halle", "Quartier", "Vallée", "Technopole", "Forum"]
BANDS = ["", "", "", "NN", "00", "01", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41"]
KINDS = ["company"] * 96 + ["training_body", "school", "cluster", "third_place"]
ORG_COLUMNS = [
    "created_at", "updated_at", "source", "edited_fields", "kind", "name", "acronym", "siren",
    "legal_category", "company_category", "naf_code", "headcount_band", "is_digital", "state",
    "is_diffusible", "is_ess", "is_generated", "description", "website", "tags", "source_hash",
]  # fmt: skip
EST_COLUMNS = [
    "created_at", "updated_at", "source", "edited_fields", "source_hash", "organisation_id", "siret",
    "is_head_office", "name", "sign", "address", "postcode", "city", "commune_code", "department_code",
    "region_code", "kind", "naf_code", "naf_nomenclature", "is_digital", "headcount_band", "state",
    "is_diffusible", "search_text",
]  # fmt: skip


def _reference(data_dir: Path) -> tuple[list[dict[str, Any]], list[float], list[str], list[str]]:
    import csv

    with gzip.open(data_dir / "cog" / "communes.json.gz", "rt", encoding="utf-8") as handle:
        communes = [
            c
            for c in json.load(handle)
            if c.get("type") == "commune-actuelle" and c.get("population") and c.get("region")
        ]
    weights, total = [], 0.0
    for c in communes:
        total += c["population"]
        weights.append(total)
    with (data_dir / "naf" / "secteur_numerique_tic_insee_c1385.csv").open(encoding="utf-8") as handle:
        digital = [row["sous_classe"] for row in csv.DictReader(handle)]
    with (data_dir / "naf" / "naf_rev2_sous_classes_5_niveaux.csv").open(encoding="utf-8") as handle:
        others = [row["sous_classe"] for row in csv.DictReader(handle) if row["sous_classe"] not in digital]
    return communes, weights, digital, others


def _name(rng: random.Random, is_digital: bool) -> str:
    roll = rng.random()
    if is_digital:
        if roll < 0.4:
            return f"{rng.choice(DIGITAL_WORDS)} {rng.choice(SURNAMES)}"
        if roll < 0.7:
            return f"{rng.choice(PLACES)} {rng.choice(DIGITAL_WORDS)}"
        return f"{rng.choice(['Agence', 'Studio', 'Groupe', 'Lab'])} {rng.choice(DIGITAL_WORDS)} {rng.choice(DIGITAL_WORDS)}"
    if roll < 0.5:
        return f"{rng.choice(TRADES)} {rng.choice(SURNAMES)}"
    if roll < 0.8:
        return f"{rng.choice(SURNAMES)} {rng.choice(['SARL', 'SAS', 'et Fils', 'Frères', 'EURL'])}"
    return f"{rng.choice(TRADES)} du {rng.choice(PLACES)}"


def load(rows: int, *, data_dir: Path, seed: int = SEED) -> dict[str, Any]:
    """Bulk-insert `rows` establishments (and their organisations); returns timings and counts."""
    from django.db import connection, transaction
    from django.utils import timezone

    from filiere.core.text import fold
    from filiere.organisations.search import search_text_for

    migration = import_module(SEARCH_MIGRATION)
    rng = random.Random(seed)
    communes, weights, digital_naf, other_naf = _reference(data_dir)
    now = timezone.now()
    started = time.perf_counter()
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            for statement in migration.SQLITE_BACKWARD:
                cursor.execute(statement)
        elif vendor == "postgresql":
            for statement in migration.POSTGRES_BACKWARD:
                cursor.execute(statement)
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM organisations_organisation")
        (first_org_id,) = cursor.fetchone()
    org_sql = (
        f"INSERT INTO organisations_organisation (id, {', '.join(ORG_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * (len(ORG_COLUMNS) + 1))})"
    )
    est_sql = (
        f"INSERT INTO organisations_establishment ({', '.join(EST_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(EST_COLUMNS))})"
    )
    made, org_id, batch_orgs, batch_ests = 0, first_org_id, [], []
    siren_base = 300_000_000
    with transaction.atomic(), connection.cursor() as cursor:
        while made < rows:
            org_id += 1
            is_digital = rng.random() < 0.03
            naf = rng.choice(digital_naf if is_digital else other_naf)
            name = _name(rng, is_digital)
            kind = rng.choice(KINDS)
            band = rng.choice(BANDS)
            closed = rng.random() < 0.15
            siren = f"{siren_base + org_id:09d}"
            diffusible = rng.random() > 0.02
            batch_orgs.append(
                [org_id, now, now, "generated", "[]", kind, name, "", siren, "5710", "", naf, band, is_digital,
                 "F" if closed else "A", diffusible, False, True, "", "", "[]", ""]
            )  # fmt: skip
            for n in range(min(rng.choice([1, 1, 1, 2, 3]), rows - made)):
                commune = communes[_weighted(rng, weights)]
                postcode = (commune.get("codesPostaux") or [""])[0]
                sign = rng.choice(["", "", "", "", fold(name).upper()[:20]])
                text = search_text_for(name if diffusible else "", sign, commune["nom"], postcode)
                batch_ests.append(
                    [now, now, "generated", "[]", "", org_id, f"{siren}{n + 1:05d}", n == 0, name, sign,
                     f"{rng.randint(1, 120)} rue {rng.choice(SURNAMES)}", postcode, commune["nom"], commune["code"],
                     commune["departement"], commune["region"], kind, naf, "NAFRev2", is_digital, band,
                     "F" if closed else "A", diffusible, text]
                )  # fmt: skip
                made += 1
            if len(batch_ests) >= 20_000 or made >= rows:
                cursor.executemany(org_sql, batch_orgs)
                cursor.executemany(est_sql, batch_ests)
                batch_orgs, batch_ests = [], []
        if vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('organisations_organisation', 'id'), "
                "(SELECT MAX(id) FROM organisations_organisation))"
            )
    inserted = time.perf_counter()
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            for statement in migration.SQLITE_FORWARD:  # triggers + refill of the FTS index
                cursor.execute(statement)
            cursor.execute("ANALYZE")
        elif vendor == "postgresql":
            for statement in migration.POSTGRES_FORWARD:
                cursor.execute(statement)
            # VACUUM, not only ANALYZE: a bulk-loaded table has an empty visibility map until
            # autovacuum passes, and without it no index-only scan is planned (the importer does
            # the same after a large import, see `organisations.importers.sirene`).
            cursor.execute("VACUUM ANALYZE organisations_establishment")
            cursor.execute("VACUUM ANALYZE organisations_organisation")
    indexed = time.perf_counter()
    return {
        "establishments": made,
        "organisations": org_id - first_org_id,
        "insert_s": round(inserted - started, 1),
        "index_s": round(indexed - inserted, 1),
    }


def _weighted(rng: random.Random, cumulative: list[float]) -> int:
    import bisect

    return min(bisect.bisect_left(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def queries(count: int = QUERY_COUNT, seed: int = SEED) -> list[dict[str, Any]]:
    """Realistic directory queries: names, towns, name + town, prefixes, region filters."""
    rng = random.Random(seed + 1)
    towns = ["Dijon", "Besançon", "Lyon", "Montpellier", "Toulouse", "Nantes", "Lille", "Strasbourg",
             "Bordeaux", "Rennes", "Nice", "Grenoble", "Chalon-sur-Saône", "Auxerre", "Nevers", "Belfort",
             "Mâcon", "Sète", "Pézenas", "Vesoul"]  # fmt: skip
    regions = ["27", "76", "84", "11", "75", "44", "52", "53", "32", "93"]
    result: list[dict[str, Any]] = []
    for i in range(count):
        kind = i % 8
        if kind == 0:
            q = f"{rng.choice(TRADES)} {rng.choice(SURNAMES)}"
        elif kind == 1:
            q = rng.choice(towns)
        elif kind == 2:
            q = f"{rng.choice(PLACES)} {rng.choice(DIGITAL_WORDS)}"
        elif kind == 3:
            word = rng.choice(SURNAMES + DIGITAL_WORDS + towns)
            q = word[: rng.randint(3, 5)]  # as-you-type
        elif kind == 4:
            q = f"{rng.choice(SURNAMES)} {rng.choice(towns)}"
        elif kind == 5:
            q = f"{rng.choice(DIGITAL_WORDS)} {rng.choice(SURNAMES)[:4]}"
        elif kind == 6:
            q = rng.choice(SURNAMES)
        else:
            q = "" if rng.random() < 0.5 else rng.choice(DIGITAL_WORDS)
        # Users type without accents half of the time.
        if rng.random() < 0.5:
            from filiere.core.text import fold

            q = fold(q)
        filters: dict[str, Any] = {"q": q}
        if rng.random() < 0.5 or not q:
            filters["region"] = (rng.choice(regions),)
        if rng.random() < 0.15:
            filters["digital"] = True
        result.append(filters)
    return result


def previous_search_directory(filters: Any) -> Any:
    """The directory search as it was before facet tokens and the "starts with" first page.

    Facet filters on the columns (the index only narrows the text), every match sorted for the
    first page, DIRECTORY_FACET_LIMIT 20,000. Measured in the same run as `search_directory`, so
    the comparison does not depend on the load of the machine.
    """
    from django.test.utils import override_settings

    from filiere.organisations import selectors
    from filiere.organisations.models import Establishment

    limit = PREVIOUS_FACET_LIMIT
    with override_settings(DIRECTORY_FACET_LIMIT=limit):
        matched = selectors.filter_establishments(filters, facet_tokens=False)
        counts = selectors.count_facets(matched, limit)
        total = counts.pop("_count")[""]
        ordered = matched.order_by(*selectors.directory_order(filters)).values_list("id", flat=True)
        ids = list(ordered[: selectors.PER_PAGE])
        by_id = Establishment.objects.select_related("organisation").in_bulk(ids)
        result = selectors.DirectoryPage(
            filters, [by_id[pk] for pk in ids], min(total, limit), total > limit, limit, 1, selectors.PER_PAGE
        )
        result.facets = selectors.build_facets(filters, counts)
    return result


def measure(filters_list: list[dict[str, Any]], search: Any = None) -> dict[str, Any]:
    """Time the search page's work for each query: search_directory + present_results."""
    from django.conf import settings

    from filiere.organisations.selectors import DirectoryFilters, present_results, search_directory

    search = search or search_directory
    timings, counts, capped = [], [], 0
    # Warm-up: first query pays for connection setup and cold caches.
    search(DirectoryFilters(q="martin"))
    for params in filters_list:
        filters = DirectoryFilters(**params)
        start = time.perf_counter()
        result = search(filters)
        present_results(result.results)
        timings.append((time.perf_counter() - start) * 1000)
        counts.append(result.count)
        capped += result.count_is_lower_bound
    # Pair each timing with its query before sorting the timings.
    slowest = sorted(zip(timings, filters_list, strict=True), key=lambda t: -t[0])[:5]
    timings.sort()
    return {
        "queries": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "max_ms": round(timings[-1], 1),
        "median_result_count": int(statistics.median(counts)),
        "capped_queries": capped,
        "facet_limit": PREVIOUS_FACET_LIMIT
        if search is not search_directory
        else settings.DIRECTORY_FACET_LIMIT,
        "slowest": [{"ms": round(ms, 1), "filters": f} for ms, f in slowest],
    }


PREVIOUS_FACET_LIMIT = 20_000


def run(args: Namespace) -> dict[str, Any]:
    """Load `args.rows` establishments, time ~200 directory searches, report p50/p95 vs the goal.

    Measured twice in the same run, one after the other: `search_directory` (the verdict) and the
    previous approach (`previous_search_directory`), so the ratio does not depend on the load.
    """
    from django.conf import settings
    from django.db import connection

    from filiere.organisations.models import Establishment

    data_dir = Path(settings.FILIERE_DATA_DIR)
    _ensure_regions(data_dir)
    existing = Establishment.objects.count()
    load_info = load(args.rows, data_dir=data_dir) if existing < args.rows else {"establishments": existing}
    searches = queries()
    # Previous approach first, so the current one never benefits from a colder cache.
    previous = measure(searches, previous_search_directory)
    result = {"engine": connection.vendor, "rows": args.rows, "load": load_info, **measure(searches)}
    result["previous"] = {k: previous[k] for k in ("facet_limit", "p50_ms", "p95_ms", "capped_queries")}
    result["previous"]["slowest"] = previous["slowest"]
    result["goal_p95_ms"] = GOAL_P95_MS
    result["verdict"] = "PASS" if result["p95_ms"] < GOAL_P95_MS else "FAIL"
    result["previous"]["verdict"] = "PASS" if previous["p95_ms"] < GOAL_P95_MS else "FAIL"
    result["load_average"] = _load_average()
    for label, data in (("current", result), ("previous approach", result["previous"])):
        print(
            f"  search over {Establishment.objects.count():,} establishments ({connection.vendor}), {label} "
            f"facet limit {data['facet_limit']:,}: p50 {data['p50_ms']} ms, p95 {data['p95_ms']} ms "
            f"(goal < {GOAL_P95_MS:.0f} ms) -> {data['verdict']}; {data['capped_queries']} capped queries",
            flush=True,
        )
    _clear()
    return result


def _load_average() -> str:
    import os

    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return ""


def _ensure_regions(data_dir: Path) -> None:
    """Region and department names for facet labels (the territories loader when present)."""
    from filiere.territories.models import Department, Region

    if Region.objects.exists() and Department.objects.exists():
        return
    regions = json.loads((data_dir / "cog" / "regions.json").read_text("utf-8"))
    departments = json.loads((data_dir / "cog" / "departements.json").read_text("utf-8"))
    Region.objects.bulk_create(
        [Region(code=r["code"], name=r["nom"]) for r in regions], ignore_conflicts=True
    )
    Department.objects.bulk_create(
        [Department(code=d["code"], name=d["nom"], region_id=d["region"]) for d in departments],
        ignore_conflicts=True,
    )


def _clear() -> None:
    """Remove the generated rows so the next benchmark starts from empty directory tables."""
    from django.db import connection

    migration = import_module(SEARCH_MIGRATION)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in migration.SQLITE_BACKWARD:
                cursor.execute(statement)
        cursor.execute("DELETE FROM organisations_establishment")
        cursor.execute("DELETE FROM organisations_organisation")
        if connection.vendor == "sqlite":
            for statement in migration.SQLITE_FORWARD:
                cursor.execute(statement)


def table(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Rows of docs/benchmarks.md."""
    return [
        ("establishments searched", f"{result['rows']:,}", ""),
        (
            "load (insert + index)",
            f"{result['load'].get('insert_s', '-')} s + {result['load'].get('index_s', '-')} s",
            "",
        ),
        ("queries", str(result["queries"]), "names, towns, prefixes, ± region filter"),
        ("search p50 (count + facets + page 1)", f"{result['p50_ms']} ms", ""),
        ("search p95", f"{result['p95_ms']} ms", f"< {GOAL_P95_MS:.0f} ms: {result['verdict']}"),
        (
            "facet counting cap (DIRECTORY_FACET_LIMIT)",
            f"{result['facet_limit']:,}",
            f"{result['capped_queries']} queries hit it",
        ),
        *(
            [
                (
                    "previous approach p50 / p95 (same run)",
                    f"{result['previous']['p50_ms']} ms / {result['previous']['p95_ms']} ms",
                    f"column filters, full sort, cap {result['previous']['facet_limit']:,}",
                ),
                ("load average during the run", result.get("load_average", ""), ""),
            ]
            if "previous" in result
            else []
        ),
    ]


def main() -> None:
    """Standalone run on the database of DATABASE_URL (migrated here)."""
    import os

    import django

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the rows (rerun without reloading)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filiere.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.keep:
        global _clear

        def _clear() -> None:  # noqa: F811 - keep the data between standalone runs
            return None

    result = run(argparse.Namespace(rows=args.rows, engine="standalone"))
    print(json.dumps({k: v for k, v in result.items() if k != "slowest"}, indent=2, default=str))
    print(json.dumps(result["slowest"], indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
