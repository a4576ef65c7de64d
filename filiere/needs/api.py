"""JSON API of the needs app (mounted at /api/needs/): campaigns, results, gap table, and the
survey behind a private token (read, suggestions, answer).

Reads go through the same selectors as the pages, writes through the same services, so the
numbers and the rules never drift apart.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from filiere.needs import selectors, services
from filiere.needs.models import Campaign, ContractType, Horizon
from filiere.needs.models import Status as CampaignStatus

router = Router(tags=["needs"])


class CampaignOut(Schema):
    id: int
    title: str
    status: str
    scope: str
    region_code: str
    territory: str
    opens_on: dt.date
    closes_on: dt.date
    results_public: bool


def _campaign(c: Campaign) -> CampaignOut:
    return CampaignOut(
        id=c.pk,
        title=c.title,
        status=c.status,
        scope=c.scope,
        region_code=c.region_id,
        territory=c.territory_label,
        opens_on=c.opens_on,
        closes_on=c.closes_on,
        results_public=c.results_public,
    )


class RateOut(Schema):
    key: str
    label: str
    invited: int
    answered: int
    rate: float


class RatesOut(Schema):
    overall: RateOut
    by_department: list[RateOut]
    by_size: list[RateOut]
    with_email: int
    reminders: int


def _rate(r: selectors.Rate) -> RateOut:
    return RateOut(key=r.key, label=r.label, invited=r.invited, answered=r.answered, rate=round(r.rate, 4))


def _rates(rates: selectors.ResponseRates) -> RatesOut:
    return RatesOut(
        overall=_rate(rates.overall),
        by_department=[_rate(r) for r in rates.by_department],
        by_size=[_rate(r) for r in rates.by_size],
        with_email=rates.with_email,
        reminders=rates.reminders,
    )


class RankedOut(Schema):
    label: str
    people: int
    companies: int


class HorizonOut(Schema):
    horizon: str
    label: str
    people: int


class FamilyOut(Schema):
    family: str
    label: str
    people: int
    companies: int
    difficulty: float


class ResultsOut(Schema):
    campaign: CampaignOut
    answers: int
    people: int
    rates: RatesOut
    top_skills: list[RankedOut]
    top_occupations: list[RankedOut]
    by_horizon: list[HorizonOut]
    by_family: list[FamilyOut]


@router.get("/campaigns", response=list[CampaignOut])
def list_campaigns(request: HttpRequest) -> list[CampaignOut]:
    """Campaigns whose results you may read (published ones, and those you manage)."""
    return [_campaign(c) for c in selectors.campaigns_for_user(request.user).order_by("-opens_on", "pk")]


@router.get("/campaigns/{campaign_id}/results", response=ResultsOut)
def campaign_results(request: HttpRequest, campaign_id: int) -> ResultsOut:
    """A campaign's results: response rates, top skills and occupations, people by horizon and family."""
    campaign = selectors.get_campaign_for_user(request.user, campaign_id)
    results = selectors.campaign_results(campaign)
    return ResultsOut(
        campaign=_campaign(campaign),
        answers=results.answers,
        people=results.people,
        rates=_rates(results.rates),
        top_skills=[
            RankedOut(label=r.label, people=r.people, companies=r.companies) for r in results.top_skills
        ],
        top_occupations=[
            RankedOut(label=r.label, people=r.people, companies=r.companies) for r in results.top_occupations
        ],
        by_horizon=[HorizonOut(horizon=c, label=label, people=n) for c, label, n in results.by_horizon],
        by_family=[
            FamilyOut(
                family=r["code"],
                label=r["label"],
                people=r["people"],
                companies=r["companies"],
                difficulty=r["difficulty"],
            )
            for r in results.by_family
        ],
    )


class GapRowOut(Schema):
    family: str
    family_label: str
    department_code: str
    department_name: str
    companies: int
    people: int
    demand: float
    supply: int
    gap: float


class DepartmentGapOut(Schema):
    department_code: str
    department_name: str
    gap: float


class GapOut(Schema):
    campaign: CampaignOut
    department: str
    horizons: list[str]
    total_demand: float
    total_supply: int
    distance_supply: int
    rows: list[GapRowOut]
    by_department: list[DepartmentGapOut]
    by_family: list[GapRowOut]


class GapQuery(Schema):
    campaign: int
    department: str = ""
    horizon: list[Horizon] = Field(default_factory=list)


def _gap_row(r: selectors.GapRow) -> GapRowOut:
    return GapRowOut(
        family=r.family,
        family_label=r.family_label,
        department_code=r.department_code,
        department_name=r.department_name,
        companies=r.companies,
        people=r.people,
        demand=r.demand,
        supply=r.supply,
        gap=r.gap,
    )


@router.get("/gaps", response=GapOut)
def gaps(request: HttpRequest, query: Query[GapQuery]) -> GapOut:
    """Demand minus training supply per skill family × department, largest gap first (as the page)."""
    campaign = selectors.get_campaign_for_user(request.user, query.campaign)
    if campaign.status == CampaignStatus.DRAFT:
        raise Http404
    departments = set(selectors.region_department_codes(campaign.region_id))
    if query.department and query.department not in departments:
        raise Http404
    table = selectors.gap_table(
        selectors.GapFilters(
            campaign=campaign, department=query.department, horizons=tuple(str(h) for h in query.horizon)
        )
    )
    return GapOut(
        campaign=_campaign(campaign),
        department=query.department,
        horizons=list(table.filters.horizons),
        total_demand=table.total_demand,
        total_supply=table.total_supply,
        distance_supply=table.distance_supply,
        rows=[_gap_row(r) for r in table.rows],
        by_department=[
            DepartmentGapOut(
                department_code=code, department_name=table.department_names.get(code, code), gap=gap
            )
            for code, gap in sorted(table.by_department.items(), key=lambda kv: -kv[1])
        ],
        by_family=[_gap_row(r) for r in table.by_family],
    )


# --- The survey, by its private token ----------------------------------------------------------


class NeedLineOut(Schema):
    text: str
    kind: str
    label: str
    family: str
    people: int
    horizon: str
    difficulty: int
    contract_types: list[str]


class SurveyOut(Schema):
    campaign_title: str
    company: str
    closes_on: dt.date
    accepts_answers: bool
    message: str
    answered_at: dt.datetime | None
    lines: list[NeedLineOut]
    comments: str


class SuggestionOut(Schema):
    value: str
    kind: str
    label: str
    score: float


class NeedLineIn(Schema):
    text: str = Field(max_length=200)
    choice: str = Field("text", description='"skill:<id>", "occ:<kind>:<code>" (from /suggest) or "text"')
    people: int
    horizon: Horizon
    difficulty: int
    contract_types: list[ContractType] = Field(default_factory=list)


class AnswerIn(Schema):
    lines: list[NeedLineIn] = Field(default_factory=list)
    no_needs: bool = False
    respondent_name: str = Field("", max_length=120)
    respondent_role: str = Field("", max_length=120)
    headcount: int | None = None
    comments: str = Field("", max_length=5000)


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


def _survey(token: str) -> SurveyOut:
    invitation = selectors.get_invitation_by_token(token)
    campaign = invitation.campaign
    answer = getattr(invitation, "answer", None) if invitation.answered_at else None
    open_now = campaign.accepts_answers()
    return SurveyOut(
        campaign_title=campaign.title,
        company=invitation.organisation.name,
        closes_on=campaign.closes_on,
        accepts_answers=open_now,
        message="" if open_now else services.closed_message(campaign),
        answered_at=invitation.answered_at,
        lines=[
            NeedLineOut(
                text=line.text,
                kind=line.kind,
                label=line.label,
                family=line.family,
                people=line.people,
                horizon=line.horizon,
                difficulty=line.difficulty,
                contract_types=line.contract_types,
            )
            for line in (answer.lines.all() if answer else [])
        ],
        comments=answer.comments if answer else "",
    )


@router.get("/survey/{token}", response=SurveyOut)
def survey(request: HttpRequest, token: str) -> SurveyOut:
    """The survey of one invited company and its current answer (the token is the private link's)."""
    return _survey(token)


@router.get("/survey/{token}/suggest", response=list[SuggestionOut])
def suggest(request: HttpRequest, token: str, text: str = Query(..., max_length=200)) -> list[SuggestionOut]:
    """Skills and occupations the engine reads in a need's words, to pass back as `choice`."""
    selectors.get_invitation_by_token(token)
    return [
        SuggestionOut(value=s.value, kind=s.kind, label=s.label, score=s.score)
        for s in services.suggest(text)
    ]


@router.put("/survey/{token}", response={200: SurveyOut, 400: ErrorOut, 403: ErrorOut})
def answer(request: HttpRequest, token: str, payload: AnswerIn) -> Status:
    """Give or replace the company's answer (all lines at once), while the campaign is open."""
    invitation = selectors.get_invitation_by_token(token)
    if not invitation.campaign.accepts_answers():
        message = services.closed_message(invitation.campaign)
        return Status(403, ErrorOut(detail=message, errors={}))
    try:
        services.save_answer(
            invitation=invitation,
            lines=[
                services.NeedInput(
                    text=line.text,
                    choice=line.choice,
                    people=line.people,
                    horizon=str(line.horizon),
                    difficulty=line.difficulty,
                    contract_types=[str(c) for c in line.contract_types],
                )
                for line in payload.lines
            ],
            no_needs=payload.no_needs,
            respondent_name=payload.respondent_name,
            respondent_role=payload.respondent_role,
            headcount=payload.headcount,
            comments=payload.comments,
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Status(400, ErrorOut(detail=" ".join(m for ms in errors.values() for m in ms), errors=errors))
    return Status(200, _survey(token))
