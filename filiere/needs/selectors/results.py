"""Results of one campaign: its answered need lines, skills and occupations ranked by weighted
demand."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet, Sum

from filiere.needs.models import (
    Answer,
    Campaign,
    ContractType,
    Horizon,
    NeedKind,
    NeedLine,
)
from filiere.taxonomy.families import family_choices

if TYPE_CHECKING:
    pass

from .rates import ResponseRates, response_rates


@dataclass
class Ranked:
    label: str
    people: int
    companies: int


@dataclass
class Results:
    campaign: Campaign
    rates: ResponseRates
    answers: int
    people: int
    top_skills: list[Ranked]
    top_occupations: list[Ranked]
    by_horizon: list[tuple[str, str, int]]
    by_family: list[dict[str, Any]]
    by_contract: list[tuple[str, int]]


def campaign_lines(campaign: Campaign) -> QuerySet[NeedLine]:
    return NeedLine.objects.filter(answer__invitation__campaign=campaign)


def _ranked(lines: QuerySet[NeedLine], kind: str, limit: int) -> list[Ranked]:
    rows = (
        lines.filter(kind=kind)
        .values("label")
        .annotate(people=Sum("people"), companies=Count("answer", distinct=True))
        .order_by("-people", "-companies", "label")[:limit]
    )
    return [Ranked(r["label"], r["people"], r["companies"]) for r in rows]


def campaign_results(campaign: Campaign, *, limit: int = 15) -> Results:
    """What a campaign's answers say: top skills and occupations, people by horizon and family,
    contract types, with the response rates."""
    lines = campaign_lines(campaign)
    horizons = dict(lines.values_list("horizon").annotate(n=Sum("people")).order_by())
    families = {
        r["family"]: r
        for r in lines.values("family")
        .annotate(
            people=Sum("people"),
            companies=Count("answer", distinct=True),
            difficulty_sum=Sum("difficulty"),
            n=Count("pk"),
        )
        .order_by()
    }
    by_family = []
    for code, label in family_choices():
        row = families.get(code)
        if row:
            by_family.append(
                {
                    "code": code,
                    "label": label,
                    "people": row["people"],
                    "companies": row["companies"],
                    "difficulty": round(row["difficulty_sum"] / row["n"], 1),
                }
            )
    by_family.sort(key=lambda r: -r["people"])
    contracts: Counter[str] = Counter()
    for types, people in lines.values_list("contract_types", "people"):
        for t in types or []:
            contracts[t] += people
    contract_labels = dict(ContractType.choices)
    return Results(
        campaign=campaign,
        rates=response_rates(campaign),
        answers=Answer.objects.filter(invitation__campaign=campaign).count(),
        people=sum(horizons.values()),
        top_skills=_ranked(lines, NeedKind.SKILL, limit),
        top_occupations=_ranked(lines, NeedKind.OCCUPATION, limit),
        by_horizon=[(code, str(label), horizons.get(code, 0)) for code, label in Horizon.choices],
        by_family=by_family,
        by_contract=[(str(contract_labels.get(k, k)), v) for k, v in contracts.most_common()],
    )
