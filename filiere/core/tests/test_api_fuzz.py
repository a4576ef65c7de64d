"""The API fuzzed by schemathesis against its own OpenAPI document (run in CI with the suite).

Every operation of /api/openapi.json gets MAX_EXAMPLES generated requests (derandomized, so a
run is reproducible), against a database holding a little of everything, anonymous. Each
response must not be a server error, must use a status code the document declares, and must
match the schema declared for that code.
"""

from __future__ import annotations

import datetime as dt
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


@pytest.fixture
def little_data() -> None:
    """One of each thing the API reads: a firm, a plan with an indicator, a course, a campaign."""
    from filiere.needs.tests.factories import CampaignFactory
    from filiere.organisations.tests.factories import EstablishmentFactory
    from filiere.roadmaps.tests.factories import IndicatorFactory, IndicatorValueFactory, PlanFactory, region
    from filiere.training.tests.factories import SessionFactory

    EstablishmentFactory(organisation__name="Capitole Data")
    plan = PlanFactory(region=region("75"), start_date=dt.date(2020, 1, 1), end_date=dt.date(2027, 12, 31))
    indicator = IndicatorFactory(plan=plan, name="Emplois")
    IndicatorValueFactory(indicator=indicator, date=dt.date(2024, 12, 31))
    SessionFactory()
    CampaignFactory(public=True)


@pytest.fixture
def api_schema(little_data: None, settings: Any) -> Any:
    from filiere.wsgi import application

    settings.ALLOWED_HOSTS = ["*"]
    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


def test_every_operation_keeps_its_contract(api_schema: Any) -> None:
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # gather every operation's failure
            failures.append(f"{operation.label}: {exc}")
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
