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
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from filiere.core.testing import rolled_back_world

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
SIGNED_IN_PREFIXES = ("/api/talent/", "/api/needs/", "/api/roadmaps/")


@pytest.fixture(scope="module", autouse=True)
def _hypothesis_storage_per_machine() -> Iterator[None]:
    """Hypothesis keeps what it derives from this machine's Python in its storage directory
    (`.hypothesis/` in the working directory by default): the Unicode tables (the UTF-8 codec's
    intervals, 1.3 s to build, the category map) and the literals of each project module it parses
    for constants (keyed by a hash of the file's source). A clean clone (CI) built them again on
    every run: about 3 CPU s. Kept in the user's cache directory instead, they are built once per
    machine; they are derived from the interpreter and the sources, so a stale entry cannot be read.
    No example database is kept (`database=None` below), so no failing example from another
    checkout is replayed. HYPOTHESIS_STORAGE_DIRECTORY, when set, wins."""
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    set_hypothesis_home_dir(cache / "filiere" / "hypothesis")
    try:
        yield
    finally:
        set_hypothesis_home_dir(None)


def _build_world() -> dict[str, Any]:
    """One of each thing the API reads, and a platform staff user signed in once. Returns the path
    parameters naming them (`ids`) and that user's session cookie."""
    from django.test import Client

    from filiere.needs.tests.factories import CampaignFactory, InvitationFactory
    from filiere.organisations.tests.factories import EstablishmentFactory, UserFactory
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
    ids = {
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
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return {"ids": ids, "cookies": {"sessionid": client.cookies["sessionid"].value}}


@pytest.fixture(scope="module")
def _world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The world both tests read, built once in a transaction rolled back when the module ends; each
    test runs in a savepoint of it, so what one test's requests write (survey answers, access
    logs) is undone before the other."""
    with rolled_back_world(django_db_blocker, _build_world) as world:
        yield world


@pytest.fixture
def ids(_world: dict[str, Any], db: None) -> dict[str, Any]:
    """The path parameters naming real objects."""
    return _world["ids"]


@pytest.fixture(scope="module")
def _schema(_world: dict[str, Any], django_db_blocker: Any) -> Iterator[Any]:
    """The schema served by the WSGI application, loaded once for the module (the document, its
    parsing and schemathesis' constants from the application's code are built once), and called as
    Django's test client calls it: without closing the database connection at the end of each
    request (on PostgreSQL that would close the connection holding the tests' transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from django.test.utils import override_settings

    from filiere.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with override_settings(ALLOWED_HOSTS=["*"]), django_db_blocker.unblock():
            yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(_schema: Any, db: None) -> Any:
    return _schema


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


def test_staff_requests_keep_the_contract(
    api_schema: Any, ids: dict[str, Any], _world: dict[str, Any]
) -> None:
    cookies = _world["cookies"]
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
