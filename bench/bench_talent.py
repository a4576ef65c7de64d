"""Talent matching latency: a candidate's best offers and an offer's best candidates.

Loads `--rows / 10` job offers and as many job-seeker profiles (default 100,000 each; at most
100,000) straight into the tables: offers with a digital job title, a description naming their
skills and 8 real taxonomy skill ids (6 from a pool of digital skills, 2 from the whole
taxonomy), spread over France with 40 % in Grand Est; profiles with 8 skill ids drawn the same
way, a department, a mobility area of 1–4 departments (`SeekerDepartment` rows) and, for 80 % of
them, consent to be shown to companies. Each offer and profile gets the engine document that
`talent.indexing` writes (text and skill ids).

Then `best_offers_for_seeker` for 100 profiles (goal p95 < 100 ms) and `best_candidates_for_offer`
for 100 offers (goal p95 < 150 ms): SQL filters (open offers in the person's area; consenting
people who accept the offer's department) → restrict_ids → the engine's lexical + skills
channels → re-ranking with occupation, distance and contract fit, explanations.

Standalone: `SECRET_KEY=x DATABASE_URL=sqlite:////tmp/tl.sqlite3 .venv/bin/python -m bench.bench_talent --rows 10000`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from argparse import Namespace
from typing import Any

import numpy as np

GOAL_OFFERS_P95_MS = 100.0
GOAL_CANDIDATES_P95_MS = 150.0
MAX_ROWS = 100_000
SEED = 20261123
BATCH = 5000
SKILLS_PER_ROW = 8
DIGITAL_WORDS = ("informatique", "logiciel", "données", "réseau", "web", "programmation", "sécurité",
                 "système", "base de données", "cloud", "développement", "numérique")  # fmt: skip
TITLES = ["Développeur web Java", "Développeur Python", "Technicien support informatique", "Administrateur systèmes",
          "Data analyst", "Ingénieur DevOps", "Analyste cybersécurité", "Chef de projet numérique",
          "Développeur front-end JavaScript", "Administrateur réseaux", "Testeur logiciel", "Architecte cloud",
          "Technicien réseaux et télécoms", "Développeur mobile", "Consultant ERP", "Ingénieur données"]  # fmt: skip
GRAND_EST = ["67", "68", "57", "54", "51", "10", "08", "88", "55", "52"]
OTHERS = [
    "75",
    "92",
    "69",
    "13",
    "31",
    "33",
    "44",
    "59",
    "35",
    "34",
    "06",
    "38",
    "21",
    "25",
    "63",
    "76",
    "29",
    "86",
]
CONTRACTS = ["cdi", "cdi", "cdi", "cdd", "alternance", "freelance"]


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _skill_pools() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(digital pool, whole pool) of (skill id, label): real taxonomy skills when loadable."""
    from django.db.models import Q

    from filiere.taxonomy.models import Skill, SkillKind

    if not Skill.objects.exclude(kind=SkillKind.LOCAL).exists():
        try:
            from filiere.matching.testing import load_taxonomy_labels

            load_taxonomy_labels()
        except Exception:  # noqa: BLE001 - the bench still runs on local skills without the data
            pass
    condition = Q()
    for word in DIGITAL_WORDS:
        condition |= Q(label__icontains=word)
    digital = list(Skill.objects.filter(condition).order_by("pk").values_list("pk", "label")[:400])
    whole = list(Skill.objects.order_by("pk").values_list("pk", "label")[:20000])
    if not digital:
        digital = [
            (s.pk, s.label)
            for s in (Skill.objects.create(label=w, kind=SkillKind.LOCAL) for w in DIGITAL_WORDS)
        ]
    return digital, whole or digital


def _department(rng: random.Random) -> str:
    return rng.choice(GRAND_EST) if rng.random() < 0.4 else rng.choice(OTHERS)


def _pick(rng: random.Random, digital: list, whole: list) -> list[tuple[int, str]]:
    picks = rng.sample(digital, min(6, len(digital))) + rng.sample(whole, min(2, len(whole)))
    return list({p[0]: p for p in picks}.values())


def load(n: int, *, seed: int = SEED) -> dict[str, Any]:
    """Bulk-insert `n` offers and `n` profiles with their engine documents."""
    from django.db import connection, transaction
    from django.utils import timezone

    from filiere.matching import services
    from filiere.matching.models import Document
    from filiere.matching.text import terms_for
    from filiere.organisations.models import Kind, Organisation
    from filiere.talent.indexing import OFFER_DOC, SEEKER_DOC
    from filiere.talent.models import Consent, JobOffer, JobSeeker, SeekerDepartment

    rng = random.Random(seed)
    digital, whole = _skill_pools()
    started = time.perf_counter()
    company = Organisation.objects.create(name="Bench Numérique", kind=Kind.COMPANY, is_generated=True)
    structure = Organisation.objects.create(
        name="Bench France Travail", kind=Kind.PUBLIC_BODY, is_generated=True
    )
    now = timezone.now()
    for start in range(0, n, BATCH):
        size = min(BATCH, n - start)
        offers = []
        for _ in range(size):
            picks = _pick(rng, digital, whole)
            title = rng.choice(TITLES)
            dep = _department(rng)
            description = "Missions : " + ", ".join(label for _, label in picks) + "."
            offers.append(
                JobOffer(
                    organisation=company,
                    title=title,
                    description=description,
                    skill_ids=[p[0] for p in picks],
                    department_code=dep,
                    region_code="44" if dep in GRAND_EST else "",
                    contract=rng.choice(CONTRACTS),
                )  # fmt: skip
            )
        seekers = []
        for _ in range(size):
            picks = _pick(rng, digital, whole)
            seekers.append(
                JobSeeker(
                    first_name="Bench",
                    last_name="Profil",
                    structure=structure,
                    department_code=_department(rng),
                    extracted_skill_ids=[p[0] for p in picks],
                    contract_wishes=[rng.choice(CONTRACTS)],
                    last_activity_at=now,
                    summary="Compétences : " + ", ".join(label for _, label in picks),
                )  # fmt: skip
            )
        with transaction.atomic():
            JobOffer.objects.bulk_create(offers, batch_size=1000)
            JobSeeker.objects.bulk_create(seekers, batch_size=1000)
            if offers[0].pk is None or seekers[0].pk is None:
                raise RuntimeError("bulk_create did not return ids")
            shared = {s.pk for s in seekers if rng.random() < 0.8}
            reach = []
            for s in seekers:
                deps = {s.department_code}
                pool = GRAND_EST if s.department_code in GRAND_EST else OTHERS
                deps.update(rng.sample(pool, rng.randint(0, 3)))
                reach.extend(
                    SeekerDepartment(seeker=s, department_code=d, shareable=s.pk in shared) for d in deps
                )
            SeekerDepartment.objects.bulk_create(reach, batch_size=2000)
            Consent.objects.bulk_create(
                [
                    Consent(seeker=s, purpose="share_with_companies", given_at=now)
                    for s in seekers
                    if rng.random() < 0.8
                ],
                batch_size=2000,
            )
            docs = []
            for offer in offers:
                text = f"{offer.title}\n{offer.description}"
                docs.append(
                    Document(
                        doc_type=OFFER_DOC,
                        doc_id=offer.pk,
                        text=text,
                        terms=terms_for(text),
                        skill_ids=offer.skill_ids,
                    )
                )
            for seeker in seekers:
                text = seeker.summary
                docs.append(
                    Document(
                        doc_type=SEEKER_DOC,
                        doc_id=seeker.pk,
                        text=text,
                        terms=terms_for(text),
                        skill_ids=seeker.extracted_skill_ids,
                    )
                )
            Document.objects.bulk_create(docs, batch_size=1000)
    # Rows written without the services: tell the engine's per-process arrays to rebuild.
    services.touch_index(OFFER_DOC)
    services.touch_index(SEEKER_DOC)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (
                "talent_joboffer",
                "talent_jobseeker",
                "talent_seekerdepartment",
                "talent_consent",
                "matching_document",
            ):
                cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
    return {
        "offers": n,
        "profiles": n,
        "load_s": round(time.perf_counter() - started, 1),
        "digital_skills": len(digital),
    }


def measure(samples: int = 100, seed: int = SEED) -> dict[str, Any]:
    """Time both selectors on `samples` random profiles and offers."""
    from filiere.talent.models import JobOffer, JobSeeker
    from filiere.talent.selectors import best_candidates_for_offer, best_offers_for_seeker

    rng = random.Random(seed + 1)
    seeker_ids = list(JobSeeker.objects.values_list("pk", flat=True))
    offer_ids = list(JobOffer.objects.values_list("pk", flat=True))
    seekers = list(JobSeeker.objects.filter(pk__in=rng.sample(seeker_ids, min(samples, len(seeker_ids)))))
    offers = list(JobOffer.objects.filter(pk__in=rng.sample(offer_ids, min(samples, len(offer_ids)))))
    started = time.perf_counter()
    best_offers_for_seeker(seekers[0])  # builds the engine's caches of both doc types
    best_candidates_for_offer(offers[0])
    warm_s = time.perf_counter() - started
    offer_ms, offer_counts, cand_ms, cand_counts = [], [], [], []
    for seeker in seekers:
        start = time.perf_counter()
        found = best_offers_for_seeker(seeker, limit=20)
        offer_ms.append((time.perf_counter() - start) * 1000)
        offer_counts.append(len(found))
    for offer in offers:
        start = time.perf_counter()
        found = best_candidates_for_offer(offer, limit=20)
        cand_ms.append((time.perf_counter() - start) * 1000)
        cand_counts.append(len(found))
    return {
        "first_search_s": round(warm_s, 2),
        "offers_p50_ms": round(statistics.median(offer_ms), 1),
        "offers_p95_ms": round(_percentile(offer_ms, 95), 1),
        "offers_median_results": int(statistics.median(offer_counts)),
        "candidates_p50_ms": round(statistics.median(cand_ms), 1),
        "candidates_p95_ms": round(_percentile(cand_ms, 95), 1),
        "candidates_median_results": int(statistics.median(cand_counts)),
        "samples": len(offer_ms),
    }


def run(args: Namespace) -> dict[str, Any]:
    """Load `args.rows / 10` offers and profiles, time both matching directions."""
    from django.db import connection

    n = max(200, min(MAX_ROWS, args.rows // 10))
    load_info = load(n)
    result: dict[str, Any] = {
        "engine": connection.vendor,
        "load": load_info,
        **measure(getattr(args, "samples", 100)),
    }
    result["goal_offers_p95_ms"] = GOAL_OFFERS_P95_MS
    result["goal_candidates_p95_ms"] = GOAL_CANDIDATES_P95_MS
    result["verdict_offers"] = "PASS" if result["offers_p95_ms"] < GOAL_OFFERS_P95_MS else "FAIL"
    result["verdict_candidates"] = "PASS" if result["candidates_p95_ms"] < GOAL_CANDIDATES_P95_MS else "FAIL"
    print(
        f"  talent matching over {n:,} offers and {n:,} profiles ({connection.vendor}): best offers p50 "
        f"{result['offers_p50_ms']} ms, p95 {result['offers_p95_ms']} ms (goal < {GOAL_OFFERS_P95_MS:.0f} ms) -> "
        f"{result['verdict_offers']}; best candidates p50 {result['candidates_p50_ms']} ms, p95 "
        f"{result['candidates_p95_ms']} ms (goal < {GOAL_CANDIDATES_P95_MS:.0f} ms) -> {result['verdict_candidates']}",
        flush=True,
    )
    return result


def table(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Rows of docs/benchmarks.md."""
    load_info = result["load"]
    return [
        ("job offers / job-seeker profiles", f"{load_info['offers']:,} / {load_info['profiles']:,}", ""),
        ("load (bulk insert + index)", f"{load_info['load_s']} s", ""),
        ("first search (engine caches)", f"{result['first_search_s']} s", ""),
        ("best offers for a candidate p50", f"{result['offers_p50_ms']} ms", ""),
        ("best offers for a candidate p95", f"{result['offers_p95_ms']} ms",
         f"< {GOAL_OFFERS_P95_MS:.0f} ms: {result['verdict_offers']}"),
        ("best candidates for an offer p50", f"{result['candidates_p50_ms']} ms", ""),
        ("best candidates for an offer p95", f"{result['candidates_p95_ms']} ms",
         f"< {GOAL_CANDIDATES_P95_MS:.0f} ms: {result['verdict_candidates']}"),
    ]  # fmt: skip


if __name__ == "__main__":
    import os
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filiere.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(run(Namespace(rows=options.rows, engine="standalone")))
    sys.exit(0)
