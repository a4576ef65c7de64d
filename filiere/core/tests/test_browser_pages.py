"""Every main page passes axe-core (no serious or critical violation) at 1280 px and 390 px, and
none scrolls sideways on a phone, in real Chromium, signed in as the role that sees it.

One browser, one live server and one small world (built by the apps' factories, committed) for
the module: the pages are only read, so the 43 tests share them instead of each building the world
and flushing the database after it (a transactional test each). A browser context per role, the
session cookie set directly instead of filling the login form (`role_pages`); each test loads its
page at 1280 px, then narrows the viewport to 390 px (the layout is CSS media queries, and
tables.js's resize handler has run before the second check: its "tables:checked" event).
`scripts/screenshots.py` takes the same pages on the demo data, with screenshots.
Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from filiere.core.testing import accessibility_violations, overflowing_elements

# django_db (each test in a transaction rolled back at its end, not a flush): the world is
# committed by the module fixture, which the live server's threads read.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# (role, page): a path, or the name of a detail page of the world (see `_world`).
PAGES = [
    ("anonymous", "/"),
    ("anonymous", "/annuaire/"),
    ("anonymous", "/annuaire/?q=alphacom"),
    ("anonymous", "/annuaire/?q=zzzzqqqq"),
    ("anonymous", "organisation"),
    ("anonymous", "/vitrine/"),
    ("anonymous", "profile"),
    ("anonymous", "/formations/"),
    ("anonymous", "course"),
    ("anonymous", "/formations/carte/"),
    ("anonymous", "/formations/reconversion/"),
    ("anonymous", "/besoins/ecarts/"),
    ("anonymous", "/accompagnement/"),
    ("anonymous", "/evenements/"),
    ("anonymous", "/feuilles-de-route/"),
    ("anonymous", "plan"),
    ("anonymous", "indicator"),
    ("anonymous", "/observatoire/"),
    ("anonymous", "/observatoire/comparer/"),
    ("anonymous", "/observatoire/changements/"),
    ("anonymous", "/territoires/"),
    ("anonymous", "/correspondances/"),
    ("anonymous", "/comptes/connexion/"),
    ("anonymous", "/comptes/inscription/"),
    ("anonymous", "/sources/"),
    ("adviser", "/comptes/"),
    ("adviser", "/talents/"),
    ("adviser", "programme"),
    ("adviser", "dashboard"),
    ("adviser", "cohort"),
    ("adviser", "/talents/personnes/"),
    ("adviser", "seeker"),
    ("adviser", "/talents/personnes/nouvelle/"),
    ("adviser", "/talents/offres/"),
    ("regional", "/comptes/region/"),
    ("regional", "/besoins/"),
    ("regional", "campaign"),
    ("regional", "/feuilles-de-route/nouveau/"),
    ("cluster", "/comptes/mes-organisations/"),
    ("cluster", "/vitrine/validation/"),
    ("cluster", "/vitrine/demandes/"),
    ("company", "organisation_edit"),
    ("company", "profile_edit"),
]


@pytest.fixture(scope="module")
def chromium(_browser: Any) -> Any:
    """The process's headless Chromium (root conftest), for this module."""
    yield _browser
    from django.db import connections

    connections.close_all()


def _world() -> dict[str, Any]:
    """A firm with a showcase in a cluster, a course, a programme with trained people and their
    situations, a needs campaign, a plan with an indicator, and a user of each role."""
    from filiere.needs.tests.factories import CampaignFactory
    from filiere.organisations.tests.factories import RegionalRoleFactory
    from filiere.roadmaps.tests.factories import (
        ActionFactory,
        AxisFactory,
        IndicatorFactory,
        IndicatorValueFactory,
        ObjectiveFactory,
        PlanFactory,
    )
    from filiere.showcase.tests.factories import cluster_staff, editor_of, make_firm
    from filiere.talent import services
    from filiere.talent.models import FileState, OutcomeStatus
    from filiere.talent.tests.factories import CohortFactory, ProgrammeFactory, SeekerFactory, adviser_of
    from filiere.training.tests.factories import CourseFactory

    firm = make_firm(
        "Alphacom Informatique", region_code="27", department_code="21", pitch="Logiciels sur mesure."
    )
    cohort = CohortFactory(programme=ProgrammeFactory(name="Numéric Emploi"), name="Promotion 2025")
    programme = cohort.programme
    seekers = [SeekerFactory(structure=programme.structure, gender=g) for g in "FMFM"]
    for index, seeker in enumerate(seekers):
        file = services.open_file(cohort=cohort, seeker=seeker, by=None, applied_on=cohort.start_date)
        for state in (FileState.PRESELECTED, FileState.SELECTED, FileState.IN_TRAINING, FileState.TRAINED):
            services.move_file(file=file, to_state=state, by=None, on=cohort.end_date)
        if index < 3:
            status = OutcomeStatus.CDI if index else OutcomeStatus.SEEKING
            services.record_outcome(
                file=file, months=6, status=status, observed_on=dt.date(2026, 3, 31), by=None
            )
    plan = PlanFactory(title="Feuille de route du numérique")
    action = ActionFactory(objective=ObjectiveFactory(axis=AxisFactory(plan=plan)))
    indicator = IndicatorFactory(plan=plan, name="Emplois du numérique")
    IndicatorValueFactory(indicator=indicator)
    campaign = CampaignFactory()
    users = {
        "adviser": adviser_of(programme.structure),
        "regional": RegionalRoleFactory(region=campaign.region).user,
        "cluster": cluster_staff(firm),
        "company": editor_of(firm),
    }
    return {
        "users": users,
        "organisation": f"/annuaire/{firm.pk}/",
        "organisation_edit": f"/annuaire/{firm.pk}/modifier/",
        "profile": f"/vitrine/{firm.pk}/",
        "profile_edit": f"/vitrine/{firm.pk}/modifier/",
        "course": f"/formations/{CourseFactory(title='Développeur web').pk}/",
        "plan": f"/feuilles-de-route/{plan.pk}/",
        "action": f"/feuilles-de-route/actions/{action.pk}/",
        "indicator": f"/feuilles-de-route/indicateurs/{indicator.pk}/",
        "programme": f"/talents/programmes/{programme.pk}/",
        "dashboard": f"/talents/programmes/{programme.pk}/tableau-de-bord/",
        "cohort": f"/talents/promotions/{cohort.pk}/",
        "seeker": f"/talents/personnes/{seekers[0].pk}/",
        "campaign": f"/besoins/campagnes/{campaign.pk}/",
    }


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The world and a session cookie per role, committed, and a live server reading them, for the
    module; then the database is flushed as after a transactional test."""
    from django.core.management import call_command
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    from filiere.showcase.models import Sector
    from filiere.showcase.sectors import sync_sectors

    with django_db_blocker.unblock():
        try:
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                if not Sector.objects.exists():  # migration rows a transactional test flushed
                    sync_sectors(Sector)
                world = _world()
                cookies = {}
                for role, user in world["users"].items():
                    client = Client()
                    client.force_login(user)
                    cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            server = LiveServer(os.environ.get("DJANGO_LIVE_SERVER_ADDRESS") or "localhost")
            server._live_server_modified_settings.enable()
            try:
                yield {**world, "cookies": cookies, "url": server.url}
            finally:
                # Requests the pages still had in flight (closed contexts do not wait for them)
                # end first: a request thread finishing after stop() closes the in-memory SQLite
                # connection the server no longer shares ("DatabaseWrapper objects created in a
                # thread can only be used in that same thread", seen once in CI).
                for thread in threading.enumerate():
                    if "process_request_thread" in thread.name:
                        thread.join(timeout=15)
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            from django.db import connections

            call_command(
                "flush", verbosity=0, interactive=False, reset_sequences=False, inhibit_post_migrate=False
            )
            connections.close_all()


# `window.__resized` resolves once the page has handled the next resize: at once when its main
# content has no table, else when tables.js has checked its scrolling boxes again (its
# "tables:checked" event, 150 ms after the resize event: its debounce).
_AFTER_RESIZE_JS = """() => { window.__resized = new Promise((resolve, reject) => {
  const tables = document.querySelector('main table') !== null;
  window.addEventListener('resize', () => {
    if (tables) document.addEventListener('tables:checked', resolve, {once: true}); else resolve();
  }, {once: true});
  setTimeout(() => reject(new Error('no resize, or tables.js did not check the tables, in 10 s')), 10000);
}); }"""


@pytest.fixture(scope="module")
def role_pages(chromium: Any, world: dict[str, Any]) -> Any:
    """A browser context and page per role (its session cookie set directly instead of filling the
    login form), opened by its first test and used by the role's next ones: each goes to its page
    anew, and the page's renderer keeps axe compiled (half a second a page otherwise). A test that
    fails closes its role's context, so the next one starts afresh."""
    pages: dict[str, Any] = {}

    def page_of(role: str) -> Any:
        if role not in pages:
            context = chromium.new_context(locale="fr-FR")
            context.set_default_timeout(15_000)
            if role != "anonymous":
                cookie = {"name": settings.SESSION_COOKIE_NAME, "value": world["cookies"][role]}
                context.add_cookies([{**cookie, "url": world["url"]}])
            pages[role] = context.new_page()
        return pages[role]

    def close(role: str) -> None:
        pages.pop(role).context.close()

    yield page_of, close
    for role in list(pages):
        close(role)


@pytest.mark.parametrize(("role", "target"), PAGES, ids=[f"{r}:{t}" for r, t in PAGES])
def test_main_page_passes_axe_at_desktop_and_phone_widths(role_pages, world, role, target):
    page_of, close = role_pages
    page = page_of(role)
    path = target if target.startswith("/") else world[target]
    problems = []
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        response = page.goto(world["url"] + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        for width in (1280, 390):
            if width != 1280:
                page.evaluate(_AFTER_RESIZE_JS)
                page.set_viewport_size({"width": width, "height": 900})
                page.evaluate("window.__resized")
            problems += [f"{width}px {line}" for line in accessibility_violations(page)]
            if wide := overflowing_elements(page):
                problems.append(f"{width}px: the page scrolls sideways because of " + ", ".join(wide))
    except BaseException:
        close(role)
        raise
    assert not problems, f"{path}:\n" + "\n".join(problems)
