# Filière: two commands on a fresh machine, `make run` and `make test`.
# The distribution's python3.11 first when it can make a virtualenv: Debian builds it with PGO and
# LTO and links libpython statically; a pyenv build (first on PATH on these machines) has neither
# and costs ~10 % more CPU on the suite (docs/testing.md, "2026-12-03, late").
PYTHON ?= $(shell for p in /usr/bin/python3.11 python3.11 python3; do \
  if command -v $$p >/dev/null 2>&1 && $$p -c 'import ensurepip, sqlite3' >/dev/null 2>&1; then command -v $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
export FILIERE_DATA_DIR ?= $(abspath ../shared/data)
# Bytecode caches on: with PYTHONDONTWRITEBYTECODE set (these machines set it), every pytest worker
# compiled the project and rewrote the test modules' assertions again, 9 s of CPU per process.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run serve serve-demo test test-pg bench lint typecheck-tighten venv chromium migrate reference demo messages clean

# uv (pinned) installs the project and its pinned dependencies: 7 s where pip took 60 s on a clean
# clone (same versions; docs/testing.md, "2026-12-03, night"). pip is the fallback if uv cannot run.
UV_VERSION := 0.13.9

$(BIN)/filiere: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "uv==$(UV_VERSION)" \
	  && $(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[dev]" \
	  || { $(BIN)/pip install --quiet --upgrade pip && $(BIN)/pip install --quiet -e ".[dev]"; }
	touch $(BIN)/filiere

venv: $(BIN)/filiere

# Debian's Chromium for the browser tests (Playwright drives it; browser downloads do not work here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; fi; }

migrate: venv
	DEBUG=1 $(BIN)/filiere migrate --noinput

reference: migrate
	DEBUG=1 $(BIN)/filiere reference load

demo: reference
	DEBUG=1 $(BIN)/filiere demo

run: demo
	DEBUG=1 $(BIN)/filiere compilemessages --ignore=.venv >/dev/null 2>&1 || true
	DEBUG=1 $(BIN)/filiere runserver 127.0.0.1:8000

# The whole set as in production, on this machine and PostgreSQL: gunicorn, the task worker and
# the scheduler from the Procfile (honcho). Plain HTTP on 127.0.0.1:8000, mail printed by the
# worker. Data: `make serve-demo` once, or `filiere reference load` / `filiere demo` with the
# same DATABASE_URL. See docs/deploy.md for a real server.
SERVE_ENV = DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/filiere} \
	SECRET_KEY=$${SECRET_KEY:-serve-local-only-not-a-secret} DEBUG=0 \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} SECURE_COOKIES=0 \
	TASKS_BACKEND=django_tasks_db.DatabaseBackend EMAIL_URL=$${EMAIL_URL:-console://} \
	SITE_URL=$${SITE_URL:-http://127.0.0.1:8000} PATH=$(CURDIR)/$(BIN):$$PATH

serve: venv
	$(SERVE_ENV) $(BIN)/filiere createdb
	$(SERVE_ENV) $(BIN)/filiere migrate --noinput
	$(SERVE_ENV) $(BIN)/filiere compilemessages --ignore=.venv >/dev/null 2>&1 || true
	$(SERVE_ENV) $(BIN)/filiere collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(BIN)/honcho start -f Procfile

serve-demo: venv
	$(SERVE_ENV) $(BIN)/filiere createdb
	$(SERVE_ENV) $(BIN)/filiere migrate --noinput
	$(SERVE_ENV) $(BIN)/filiere reference load
	$(SERVE_ENV) $(BIN)/filiere demo

# Two workers (pytest-xdist), one test file per worker at a time: each worker has its own test
# database and loads the shared reference data once. `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)

test: venv chromium
	SECRET_KEY=test-only $(BIN)/pytest -q $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# Same suite against PostgreSQL (pytest-django creates and drops test_<name>_gw0, _gw1 per worker).
test-pg: venv chromium
	SECRET_KEY=test-only DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/filiere} $(BIN)/pytest -q $(PYTEST_PARALLEL) $(PYTEST_ARGS)

bench: venv
	SECRET_KEY=bench-only $(BIN)/python -m bench $(BENCH_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=lint-only $(BIN)/filiere makemigrations --check --dry-run
	SECRET_KEY=lint-only $(BIN)/python -m filiere.core.testdb --check
	$(BIN)/python tools/typecheck.py
	$(BIN)/lint-imports

# After fixing type errors: lower tools/mypy-baseline.json (it never goes up by itself).
typecheck-tighten: venv
	$(BIN)/python tools/typecheck.py --tighten

# Each app keeps its own English catalogue in filiere/<app>/locale/en (msgids are French).
# Regenerate every app's catalogue, then translate the new (empty) and fuzzy entries and run
# `make messages` again to compile; filiere/core/tests/test_i18n.py fails until it is complete.
I18N_APPS := $(patsubst filiere/%/apps.py,%,$(wildcard filiere/*/apps.py))

messages: venv
	@set -e; for app in $(I18N_APPS); do \
	  mkdir -p filiere/$$app/locale; \
	  ( cd filiere/$$app && DEBUG=1 PYTHONPATH=$(CURDIR) $(CURDIR)/$(BIN)/django-admin makemessages \
	      -l en --no-location --no-obsolete --settings=filiere.settings >/dev/null ); \
	  printf '%-14s ' $$app; msgfmt --statistics -o /dev/null filiere/$$app/locale/en/LC_MESSAGES/django.po 2>&1 | grep -v warning; \
	done
	DEBUG=1 $(BIN)/filiere compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3
