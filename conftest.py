"""Project-wide test configuration.

Fixture ``reference_territories``: the real reference data, loaded once per test session.

    def test_something(reference_territories):
        assert Region.objects.get(code="76").name == "Occitanie"

It loads the COG 2026 territories (26 regions, 22 pre-2016 regions, 109 departments, 1,255 EPCI,
37,590 communes, with GeoJSON outlines) and the 1,728 NAF rév. 2 codes (25 c1385 digital
sous-classes) from ``FILIERE_DATA_DIR`` into the test database, outside any test transaction,
the first time a test asks for it (about 3 s of CPU on SQLite). It also gives the test database access
(it requests ``db``), and returns a dict of the load counts.

The rows then stay for the rest of the session, including for tests that did not ask for them:
write tests that do not assume empty territory or NAF tables (factories that use
``django_get_or_create`` on real codes, assertions filtered by code). A ``transactional_db``
test's flush leaves them when they are intact (``_keep_reference_through_flush``); if a test added
or removed reference rows, they are flushed and the fixture loads them again.

ROME and ESCO (about 350,000 rows) are not part of it: only ``filiere/taxonomy/tests/
test_rome_esco.py`` runs their loaders (twice, for that module); the matching tests and the
reconversion evaluation insert the subset they read (``core.loading.insert_rows``).
"""

from __future__ import annotations

import gc
import re
from typing import Any

import pytest

# Chromium's command line, shared with scripts/screenshots.py (`core/tests/test_browser.py` checks it).
from filiere.core.testing import CHROMIUM_ARGS


def pytest_configure(config: Any) -> None:
    """Test databases are created from the committed snapshot of the migrated schema when it
    matches the migrations (`filiere/core/testdb.py`): 24 s of CPU less per worker and engine.

    The cyclic garbage collector runs every 100,000 allocations instead of 700 (tests and
    requests allocate much and leave few cycles): ~8 % less CPU, 5 MB more memory per process
    (docs/testing.md, "2026-12-03, late"). Objects freed by reference counting (files, cursors)
    go as before."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers

    from filiere.core.testdb import use_snapshots

    use_snapshots()
    for database in settings.DATABASES.values():
        if database["ENGINE"] == "django.db.backends.postgresql":
            # A commit does not wait for its WAL to reach the disk (the live server's requests,
            # transactional tests and committed fixtures commit often): 0.4 -> 0.15 ms a commit.
            # Only a crash of the server could lose such commits; a test database does not outlive it.
            options = database.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
    gc.set_threshold(100_000, 50, 1000)
    # MD5 instead of PBKDF2 for the whole run, module fixtures included: a hash costs
    # microseconds, not 0.3 s. Set once here rather than per test (no `setting_changed` per test).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()


def pytest_collection_finish(session: Any) -> None:
    """What collection built (modules, test items, fixtures' definitions) lives for the whole
    run: out of the collector's sight (`gc.freeze`), so its passes do not walk it again."""
    gc.collect()
    gc.freeze()


#: The reference tables `_load_reference` fills, and their row counts after its last load.
REFERENCE_TABLES = (
    "territories_region",
    "territories_formerregion",
    "territories_department",
    "territories_epci",
    "territories_commune",
    "taxonomy_nafcode",
)
_reference_counts: dict[str, int] = {}


def _table_counts(connection: Any) -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in REFERENCE_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (fixed names above)
            counts[table] = cursor.fetchone()[0]
    return counts


def _load_reference() -> dict[str, Any]:
    from django.db import connection

    from filiere.taxonomy.importers import load_naf
    from filiere.territories.importers import load_territories

    loaded = {"territories": load_territories(), "naf": load_naf()}
    _reference_counts.clear()
    _reference_counts.update(_table_counts(connection))
    return loaded


def _tables_with_rows(connection: Any, tables: list[str]) -> list[str]:
    """The tables among `tables` that hold at least one row (one query)."""
    if not tables:
        return []
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(
        f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return [row[0] for row in cursor.fetchall()]


#: SQL that writes rows, and the table it writes (Django quotes names; raw SQL may not).
_WRITE = re.compile(
    r'\s*(?:(INSERT|REPLACE)(?:\s+OR\s+\w+)?\s+INTO|(UPDATE)(?:\s+OR\s+\w+)?|(DELETE)\s+FROM)\s+"?(\w+)"?',
    re.IGNORECASE,
)
#: Statements that change no row (anything else makes the next check a whole-database one).
_READ_ONLY = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "EXPLAIN")


class _Writes:
    """The tables written since the last constraint check on one SQLite database."""

    def __init__(self) -> None:
        self.inserted: set[str] = set()  # rows added or changed: check their own foreign keys
        self.removed: set[str] = set()  # rows removed or changed: check the tables pointing at them
        self.unknown = False  # a statement of another kind (DDL, WITH ...): check everything
        self.children: dict[str, set[str]] | None = None  # table -> tables with a key to it

    def record(self, sql: str) -> None:
        match = _WRITE.match(sql)
        if match is None:
            if not sql.lstrip()[:9].upper().startswith(_READ_ONLY):
                self.unknown = True
            return
        insert, update, delete, table = match.groups()
        if insert or update:
            self.inserted.add(table)
        if update or delete:
            self.removed.add(table)

    def tables_to_check(self, connection: Any) -> list[str]:
        if self.children is None:
            self.children = {}
            with connection.cursor() as cursor:
                for table in connection.introspection.table_names(cursor):
                    for row in cursor.execute(f"PRAGMA foreign_key_list({connection.ops.quote_name(table)})"):
                        self.children.setdefault(row[2], set()).add(table)
        tables = set(self.inserted)
        for table in self.removed:
            tables |= self.children.get(table, set())
        return sorted(tables)

    def clear(self) -> None:
        self.inserted.clear()
        self.removed.clear()
        self.unknown = False


@pytest.fixture(scope="session", autouse=True)
def _check_only_written_tables() -> Any:
    """Django ends each database test by checking every foreign key of the database (SQLite:
    `PRAGMA foreign_key_check`, 25 ms once the reference is loaded, 0.3 s with ROME and ESCO):
    about a minute of CPU a run. The check now reads only the tables written since the last one
    (their own keys) and the tables pointing at tables rows were removed from or changed in; any
    other statement that may change rows (DDL, `WITH`) makes it check everything, as before.
    PostgreSQL checks only what is pending (`SET CONSTRAINTS ALL IMMEDIATE`) and is left as is.
    `core/tests/test_test_setup.py` shows the check still catching both kinds of broken key."""
    from django.db.backends.sqlite3.base import DatabaseWrapper
    from django.db.backends.utils import CursorWrapper

    writes: dict[str, _Writes] = {}
    original_execute = CursorWrapper._execute_with_wrappers
    original_check = DatabaseWrapper.check_constraints

    def _execute_with_wrappers(self: Any, sql: str, params: Any, many: bool, executor: Any) -> Any:
        if self.db.vendor == "sqlite":
            writes.setdefault(self.db.alias, _Writes()).record(sql)
        return original_execute(self, sql, params, many, executor)

    def check_constraints(self: Any, table_names: Any = None) -> None:
        if table_names is not None:
            return original_check(self, table_names)
        written = writes.setdefault(self.alias, _Writes())
        try:
            if written.unknown:
                written.children = None  # the schema may have changed
                return original_check(self)
            tables = written.tables_to_check(self)
            if tables:
                original_check(self, tables)
        finally:
            written.clear()

    CursorWrapper._execute_with_wrappers = _execute_with_wrappers  # type: ignore[method-assign]
    DatabaseWrapper.check_constraints = check_constraints  # type: ignore[method-assign]
    yield
    CursorWrapper._execute_with_wrappers = original_execute  # type: ignore[method-assign]
    DatabaseWrapper.check_constraints = original_check  # type: ignore[method-assign]


def _sector_rows() -> list[tuple[Any, ...]]:
    from filiere.showcase.models import Sector

    return list(
        Sector.objects.order_by("order").values_list("code", "label", "naf_divisions", "keywords", "order")
    )


def _sectors_intact() -> bool:
    """Whether showcase's sectors are the rows its migration 0002 loads (`SECTORS`), unchanged."""
    from filiere.showcase.sectors import SECTORS

    return _sector_rows() == [
        (code, label, divisions, keywords, order)
        for order, (code, label, divisions, keywords) in enumerate(SECTORS)
    ]


def _load_migration_rows() -> None:
    """After a flush: the rows a migration loads (showcase's buyer sectors, migration 0002; the
    showcase, promotion and meetings read them), written again when the flush emptied them."""
    from filiere.showcase.models import Sector
    from filiere.showcase.sectors import sync_sectors

    if not Sector.objects.exists():
        sync_sectors(Sector)


@pytest.fixture(scope="session", autouse=True)
def _keep_reference_through_flush() -> Any:
    """A transactional test (browser, concurrency, mail) ends with a flush of every table; the
    committed reference went with it and the next test needing it loaded it again (5 s on SQLite;
    26 test files are transactional). The flush now leaves the reference tables when they still hold exactly
    the rows of the last load (same counts); a test that added or removed reference rows gets
    them flushed as before, and the reference is loaded again when next asked for. Only the tables
    holding rows are emptied (see below for PostgreSQL)."""
    from django.core.management.commands import flush

    def sql_flush(
        style: Any, connection: Any, reset_sequences: bool = True, allow_cascade: bool = False
    ) -> Any:
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        if _reference_counts and _table_counts(connection) == _reference_counts:
            tables = [table for table in tables if table not in REFERENCE_TABLES]
        if _sectors_intact():
            tables = [table for table in tables if table != "showcase_sector"]
        # Content types and permissions: the same rows post_migrate writes again after a flush.
        tables = [table for table in tables if table not in ("django_content_type", "auth_permission")]
        if reset_sequences:
            return connection.ops.sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        tables = _tables_with_rows(connection, tables)
        if connection.vendor == "postgresql":
            # Django empties the tables with one TRUNCATE of all 170: on PostgreSQL that makes new
            # files for every table and index, 5 to 10 s per transactional test. DELETE of the few
            # tables the test wrote to costs milliseconds; foreign keys are checked at the commit
            # (Django's are deferred), when every table that had rows is empty.
            return [f"DELETE FROM {connection.ops.quote_name(table)};" for table in tables]
        return connection.ops.sql_flush(style, tables, reset_sequences=False, allow_cascade=allow_cascade)

    original_emit = flush.emit_post_migrate_signal  # type: ignore[attr-defined]

    def emit_post_migrate_signal(verbosity: int, interactive: bool, db: str, **kwargs: Any) -> None:
        """After the flush, Django sends post_migrate so that content types and permissions are
        written again (0.3 s a test: a query per app). The flush above kept them: when both
        tables still have rows, their two receivers sit this one out; the others (the full-text
        repair of organisations) run."""
        from django.contrib.auth.management import create_permissions
        from django.contrib.contenttypes.management import create_contenttypes
        from django.db import connections
        from django.db.models.signals import post_migrate

        _load_migration_rows()
        if len(_tables_with_rows(connections[db], ["django_content_type", "auth_permission"])) < 2:
            original_emit(verbosity, interactive, db, **kwargs)
            return
        auth_uid = "django.contrib.auth.management.create_permissions"
        post_migrate.disconnect(create_contenttypes)
        post_migrate.disconnect(dispatch_uid=auth_uid)
        try:
            original_emit(verbosity, interactive, db, **kwargs)
        finally:
            post_migrate.connect(create_contenttypes)
            post_migrate.connect(create_permissions, dispatch_uid=auth_uid)

    # The flush command calls the names it imported from django.core.management.sql.
    original = flush.sql_flush  # type: ignore[attr-defined]
    flush.sql_flush = sql_flush  # type: ignore[attr-defined]
    flush.emit_post_migrate_signal = emit_post_migrate_signal  # type: ignore[attr-defined]
    yield
    flush.sql_flush = original  # type: ignore[attr-defined]
    flush.emit_post_migrate_signal = original_emit  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def _reference_territories_session(django_db_setup: None, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return _load_reference()


def _reference_present() -> bool:
    from filiere.taxonomy.models import NafCode
    from filiere.territories.models import Commune

    return Commune.objects.exists() and NafCode.objects.exists()


@pytest.fixture
def _reference_committed(_reference_territories_session: dict[str, Any], django_db_blocker: Any) -> None:
    """Reload the reference rows a transactional test flushed, before this test's transaction
    opens: committed, they serve every later test of the worker (loaded inside the test's
    transaction, they would be rolled back and loaded again by the next test, 3 s each time)."""
    from django.db import connection

    if connection.in_atomic_block:  # the test is marked django_db: its transaction is already open
        return
    with django_db_blocker.unblock():
        if not _reference_present():
            _load_reference()


@pytest.fixture
def reference_territories(
    _reference_territories_session: dict[str, Any], _reference_committed: None, db: None
) -> dict[str, Any]:
    """Real COG territories and NAF codes in the test database (see the module docstring)."""
    if not _reference_present():
        return _load_reference()
    return _reference_territories_session


@pytest.fixture(scope="module")
def reference_territories_module(
    _reference_territories_session: dict[str, Any], django_db_blocker: Any
) -> dict[str, Any]:
    """The reference for a module-scoped world (a transaction opened once for a test module):
    committed before that transaction opens, reloaded first if a transactional test flushed it."""
    with django_db_blocker.unblock():
        if not _reference_present():
            return _load_reference()
    return _reference_territories_session


# Test packages whose conftest loads data once for the whole package (package-scoped fixtures):
# their files must run one after the other in the same worker, or each file loads it again.
RUN_TOGETHER = ("filiere/matching/tests/",)


def scope_of(nodeid: str) -> str:
    """The scheduling scope of a test: its file, or its package when listed in RUN_TOGETHER."""
    path = nodeid.split("::", 1)[0]
    return next((package for package in RUN_TOGETHER if path.startswith(package)), path)


def _recorded_durations() -> dict[str, float]:
    import json
    from pathlib import Path

    recorded = Path(__file__).parent / "tools" / "test-durations.json"
    return json.loads(recorded.read_text(encoding="utf-8")) if recorded.exists() else {}


def pytest_xdist_make_scheduler(config: Any, log: Any) -> Any:
    """`--dist loadfile` (make test): one file at a time per worker, except the packages above,
    which go to one worker as a whole; the longest first (seconds of the last profile,
    `tools/test-durations.json`; a file not in it counts 0.2 s a test), so the run does not end
    with one worker alone on a long file."""
    if config.getvalue("dist") != "loadfile":
        return None
    from collections import OrderedDict

    from xdist.scheduler import LoadScopeScheduling

    recorded = _recorded_durations()

    class FileOrPackageScheduling(LoadScopeScheduling):
        ordered = False

        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            if not self.ordered:
                queue: OrderedDict[str, dict[str, bool]] = self.workqueue  # type: ignore[has-type]

                def cost(scope: str) -> float:
                    return float(recorded.get(scope, 0.2 * len(queue[scope])))

                self.workqueue = OrderedDict(
                    (scope, queue[scope]) for scope in sorted(queue, key=cost, reverse=True)
                )
                self.ordered = True
            super()._assign_work_unit(node)

    return FileOrPackageScheduling(config, log)


@pytest.fixture(autouse=True)
def _french_to_start_with() -> None:
    """Every test starts in French (settings.LANGUAGE_CODE): a request with the English cookie
    leaves English active in the thread after it (the middleware activates per request), and with
    two workers the test that follows it is not always the same one."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


def chromium_executable() -> str | None:
    """Debian's `chromium` (`make chromium` installs it), the browser the project's rules name for
    its browser tests. Debian's `chromium-headless-shell` would take about a fifth less CPU over the
    browser modules (91.0 against 71.4 s, 2026-12-03), but it is not that executable."""
    import shutil

    return shutil.which("chromium")


@pytest.fixture(scope="session")
def _end_idle_browser_sessions(django_db_setup: None, django_db_blocker: Any) -> Any:
    """At the end of the run, end the idle PostgreSQL sessions the live server's request threads
    left, before pytest-django drops the test database ("being accessed by other users")."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
                )


@pytest.fixture(scope="session")
def _chromium_session(_end_idle_browser_sessions: None) -> Any:
    """Playwright's driver and headless Chromium, started once per test process and lent to each
    browser module by `_browser`: starting the driver (a Node.js process) and the browser cost
    about a second of wall time and 0.6 s of CPU, which every browser module paid.

    Sync Playwright keeps its event loop marked as running in this thread between its calls,
    which makes Django's async-safety check refuse ORM calls and `asyncio.run` refuse to start.
    The loop is marked running only while a browser module runs (`_browser`); in between, the
    driver and Chromium wait idle and the other tests of the process see no loop.

    Missing Chromium is a failure, not a skip: `make chromium` installs Debian's package
    (browser downloads do not work on these machines).
    """
    executable = chromium_executable()
    if executable is None:
        pytest.fail("Chromium is not installed: run `make chromium` (installs Debian's chromium package).")
    chromium = _Chromium(executable)
    try:
        chromium.start()
        yield chromium
    finally:
        chromium.stop()


class _Chromium:
    """Playwright's driver and a browser, its loop marked running only between `activate()` and
    `deactivate()`."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.manager: Any = None
        self.loop: Any = None
        self.browser: Any = None

    def start(self) -> None:
        import asyncio

        from playwright.sync_api import sync_playwright

        self.manager = sync_playwright()
        playwright = self.manager.start()
        self.loop = asyncio.get_running_loop()
        try:
            self.browser = playwright.chromium.launch(
                executable_path=self.executable, headless=True, args=CHROMIUM_ARGS
            )
        finally:
            self.deactivate()

    def stop(self) -> None:
        import asyncio

        if self.manager is None:
            return
        asyncio._set_running_loop(self.loop)  # type: ignore[attr-defined]
        try:
            if self.browser is not None and self.browser.is_connected():
                self.browser.close()
        except Exception:  # noqa: BLE001,S110 (the driver or browser died: nothing left to close)
            pass
        finally:
            if (
                getattr(self.manager, "_dispatcher_fiber", None) is None
                or self.manager._dispatcher_fiber.dead
            ):
                self.deactivate()  # the driver died: its loop no longer runs, and is closed next
            self.manager.__exit__()
            self.manager = self.browser = None
            self.deactivate()

    def activate(self) -> Any:
        """Mark Playwright's loop running in this thread (its sync calls expect it), and return
        the browser, started again if it or the driver died in an earlier module."""
        import asyncio

        asyncio._set_running_loop(self.loop)  # type: ignore[attr-defined]
        try:  # a round trip to the browser: it and the driver still answer
            self.browser.new_context().close()
        except Exception:  # noqa: BLE001
            self.stop()
            self.start()
            asyncio._set_running_loop(self.loop)  # type: ignore[attr-defined]
        return self.browser

    def deactivate(self) -> None:
        import asyncio

        asyncio._set_running_loop(None)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def _browser(_chromium_session: _Chromium) -> Any:
    """The process's headless Chromium (`_chromium_session`) for one test module, with
    Playwright's loop marked running in this thread until the module ends. Django's async-safety
    check would refuse the test bodies' ORM calls then: a test module holds only browser tests,
    and with `--dist loadfile` no other module's test runs in between."""
    import os

    from axe_playwright_python.base import AXE_FILE_PATH
    from django.conf import settings
    from django.test.utils import override_settings

    from filiere.core import testing

    # axe-core as a static file of the live servers, which pages load as their own script
    # (`testing.AXE_URL`): 15 % less CPU than sending it through Playwright to each document.
    static_dirs = override_settings(
        STATICFILES_DIRS=[*settings.STATICFILES_DIRS, ("tests-axe", str(AXE_FILE_PATH.parent))]
    )
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    static_dirs.enable()
    testing.AXE_URL = f"{settings.STATIC_URL}tests-axe/{AXE_FILE_PATH.name}"
    try:
        browser = _chromium_session.activate()
        yield browser
        for context in browser.contexts:  # left open by a failed test: not into the next module
            context.close()
    finally:
        testing.AXE_URL = None
        static_dirs.disable()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        _chromium_session.deactivate()


@pytest.fixture
def site(settings: Any, live_server: Any) -> str:
    """The live server's address, with `SITE_URL` set to it so links in mails point there."""
    settings.SITE_URL = live_server.url
    return str(live_server.url)


@pytest.fixture
def browser_context(_browser: Any, live_server: Any) -> Any:
    """A fresh Playwright browser context (cookies, storage) per test: French, downloads accepted."""
    context = _browser.new_context(accept_downloads=True, locale="fr-FR")
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()
        # Playwright's greenlet gave the test body its own context, hence its own connection.
        from django.db import connections

        connections.close_all()
