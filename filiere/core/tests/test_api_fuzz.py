"""The API fuzzed by schemathesis against its own OpenAPI document (runs in CI with the suite).

Generated requests (derandomized, so a run is reproducible) go through the WSGI application to a
database holding a little of everything. Every response must not be a server error, must use a
status code the document declares, and must match the schema declared for that code.
- Anonymous: every operation, MAX_EXAMPLES requests each, paths and parameters all generated.
- Platform staff (signed in by session cookie): the operations behind access checks (talent,
  needs, roadmaps) with the ids of real objects in the path, so the checks pass and the query
  parameters are fuzzed against real data; each must answer 2xx at least once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
SIGNED_IN_PREFIXES = ("/api/talent/", "/api/needs/", "/api/roadmaps/")


@pytest.fixture
def ids() -> dict[str, Any]:
    """One of each thing the API reads; returns the path parameters naming them."""
    from filiere.needs.tests.factories import CampaignFactory, InvitationFactory
    from filiere.organisations.tests.factories import EstablishmentFactory
    from filiere.roadmaps.tests.factories import IndicatorFactory, IndicatorValueFactory, PlanFactory, region
    from filiere.talent.tests.factories import CohortFactory, ProgrammeFactory, SeekerFactory
    from filiere.training.tests.factories import SessionFactory

    establishment = EstablishmentFactory(organisation__name="Capitole Data")
    plan = PlanFactory(region=region("75"), start_date=dt.date(2020, 1, 1), end_date=dt.date(2027, 12, 31))
    indicator = IndicatorFactory(plan=plan, name="Emplois")
    IndicatorValueFactory(indicator=indicator, date=dt.date(2024, 12, 31))
    session = SessionFactory()
    invitation = InvitationFactory(campaign=CampaignFactory(public=True))
    programme = ProgrammeFactory()
    CohortFactory(programme=programme)
    return {
        "organisation_id": establishment.organisation_id,
        "plan_id": plan.pk,
        "indicator_id": indicator.pk,
        "course_id": session.course_id,
        "session_id": session.pk,
        "campaign_id": invitation.campaign_id,
        "token": invitation.token,
        "programme_id": programme.pk,
        "seeker_id": SeekerFactory().pk,
    }


@pytest.fixture
def api_schema(ids: dict[str, Any], settings: Any) -> Iterator[Any]:
    """The schema served by the WSGI application, as Django's test client serves it: without
    closing the database connection at the end of each request (on PostgreSQL that would close
    the connection holding the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from filiere.wsgi import application

    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(operation: Any, strategy: Any, seen: set[tuple[str, int]]) -> None:
    @given(case=strategy)
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call()
        seen.add((operation.label, response.status_code))
        case.validate_response(response, checks=CHECKS)

    run()


def _report(failures: list[str]) -> str:
    return f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)


def test_anonymous_requests_keep_the_contract(api_schema: Any) -> None:
    failures, seen = [], set()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation, operation.as_strategy(), seen)
        except (Exception, BaseExceptionGroup) as exc:  # gather every operation's failure
            failures.append(f"{operation.label}: {exc}")
    assert not failures, _report(failures)


def test_staff_requests_keep_the_contract(api_schema: Any, ids: dict[str, Any], client: Any) -> None:
    from filiere.organisations.tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    cookies = {"sessionid": client.cookies["sessionid"].value}
    failures, seen = [], set()
    labels = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if not any(f" {prefix}" in operation.label for prefix in SIGNED_IN_PREFIXES):
            continue
        names = [p.name for p in operation.path_parameters]
        if any(name not in ids for name in names):
            continue
        labels.append(operation.label)
        query = {"campaign": ids["campaign_id"]} if operation.label == "GET /api/needs/gaps" else None
        strategy = operation.as_strategy(
            cookies=cookies, path_parameters={n: ids[n] for n in names} or None, query=query
        )
        try:
            _fuzz(operation, strategy, seen)
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, _report(failures)
    assert len(labels) >= 8
    never_ok = [
        label for label in labels if not any(s < 300 for seen_label, s in seen if seen_label == label)
    ]
    assert not never_ok, f"never answered 2xx as staff: {never_ok}"
