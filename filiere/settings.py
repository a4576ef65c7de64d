"""Filière settings: one module, read from the environment, safe production defaults.

Every setting a deployer may change is documented in docs/configuration.md (a test keeps
that page true).
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """An empty variable counts as unset, as in env_bool and env_int (`DATABASE_URL= make test`)."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = env_str("SITE_NAME", "Filière")
# A region's own look: its logo (an address on this site, e.g. /static/…, so the CSP allows it)
# and main colour (#rrggbb), served as CSS custom properties by /theme.css.
SITE_LOGO_URL = env_str("SITE_LOGO_URL")
SITE_PRIMARY_COLOR = env_str("SITE_PRIMARY_COLOR", "#1d4f91")
if not (
    len(SITE_PRIMARY_COLOR) == 7
    and SITE_PRIMARY_COLOR[0] == "#"
    and all(c in "0123456789abcdefABCDEF" for c in SITE_PRIMARY_COLOR[1:])
):
    raise ImproperlyConfigured(f"SITE_PRIMARY_COLOR must be a #rrggbb colour, got {SITE_PRIMARY_COLOR!r}")
# Who runs the site (usually the region): shown in the legal notice, the accessibility statement
# and the personal-data page (the operator is the data controller).
OPERATOR_NAME = env_str("OPERATOR_NAME")
OPERATOR_ADDRESS = env_str("OPERATOR_ADDRESS")
OPERATOR_PHONE = env_str("OPERATOR_PHONE")
OPERATOR_EMAIL = env_str("OPERATOR_EMAIL")
OPERATOR_PUBLICATION_DIRECTOR = env_str("OPERATOR_PUBLICATION_DIRECTOR")
OPERATOR_HOST = env_str("OPERATOR_HOST")
OPERATOR_DPO_EMAIL = env_str("OPERATOR_DPO_EMAIL", OPERATOR_EMAIL)

# Reference data (../shared/data in development): read in place, never copied into the repository.
FILIERE_DATA_DIR = Path(env_str("FILIERE_DATA_DIR", str(BASE_DIR.parent / "shared" / "data")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: `runserver` leaves static files to whitenoise, as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # For its templates and static files: /api/docs loads Swagger UI from this site, not a CDN.
    "ninja",
    "template_partials",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "filiere.core",
    "filiere.accounts",
    "filiere.territories",
    "filiere.taxonomy",
    "filiere.organisations",
    "filiere.matching",
    "filiere.showcase",
    "filiere.training",
    "filiere.talent",
    "filiere.needs",
    "filiere.observatory",
    "filiere.support",
    "filiere.events",
    "filiere.meetings",
    "filiere.governance",
    # After the apps it computes indicators from: `filiere demo` runs demo loaders in this order.
    "filiere.roadmaps",
    # After roadmaps: its demo consults the Nouvelle-Aquitaine plan that roadmaps' demo creates.
    "filiere.consultations",
    # Reads every app above through its selectors (public region pages, occupations).
    "filiere.promotion",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "filiere.core.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "filiere.accounts.middleware.PermissionFactsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "filiere.urls"
WSGI_APPLICATION = "filiere.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "filiere.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and a task worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            # A transaction takes the write lock when it begins, so a second writer waits for
            # `timeout` instead of failing at once with "database is locked" (a deferred
            # transaction that read first cannot wait: SQLite refuses its lock upgrade).
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-64000;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Login rate limiting (django-axes): a username+IP pair is locked for an hour after
# LOGIN_FAILURE_LIMIT failures, and a username alone after LOGIN_ACCOUNT_FAILURE_LIMIT failures
# from any number of addresses (password spraying from many IPs). Axes has one limit for every
# parameter set, so core.login_limits gives the account its own, higher one; it reads the
# parameter sets in this order.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 30)
AXES_HANDLER = "filiere.core.login_limits.AccountAndAddressHandler"
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
# The client address behind TRUSTED_PROXY_COUNT reverse proxies (X-Forwarded-For read from the
# right, where no client can write); django-ipware, which the AXES_IPWARE_* settings need, is
# not installed.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "filiere.core.login_limits.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
# Each app keeps its own catalogue in <app>/locale/ (found through INSTALLED_APPS).
LOCALE_PATHS = []
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Production: `filiere collectstatic` writes hashed, compressed copies that whitenoise serves with
# far-future cache headers. Development, the test suite (DEBUG off, but no collectstatic) and
# the benchmarks serve the apps' static folders as they are.
STATIC_COLLECTED = env_bool("STATIC_COLLECTED", not DEBUG and "pytest" not in sys.modules)
# Uploaded files (the default storage): the training-offer files waiting for the task worker.
# The web and the worker processes must share this folder (same machine, or a shared volume).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not STATIC_COLLECTED

TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}

# Recurring jobs, enqueued by `filiere scheduler` (core.scheduler) and run by the task worker:
# task path -> daily local time "HH:MM" or an interval. The observatory is rebuilt every night,
# and within 15 minutes of a SIRENE import; the roadmaps' computed indicators read it after.
SCHEDULE: dict[str, str | timedelta] = {
    "filiere.observatory.tasks.recompute": "02:00",
    "filiere.observatory.tasks.recompute_after_import": timedelta(minutes=15),
    "filiere.talent.tasks.anonymise_inactive_profiles": "03:30",
    "filiere.roadmaps.tasks.refresh_indicators": "04:30",
    "filiere.showcase.tasks.saved_search_alerts": "07:00",
    "filiere.needs.tasks.needs_reminders": "09:00",
    # Support: reminder ladder (3, 7, 14 days), "no answer" at 21 days, outcome questions due.
    "filiere.support.tasks.support_reminders": "08:30",
    # Seats offered from the waitlist and not confirmed in time pass to the next person.
    "filiere.events.tasks.expire_offers": timedelta(minutes=15),
    "filiere.events.tasks.send_reminders": timedelta(hours=1),
    # Buyers' needs: "what came of it?" to the buyer, 30 days after the deadline.
    "filiere.meetings.needs.tasks.need_follow_ups": "08:00",
    # Buyers' needs: one reminder to an invited firm that has neither answered nor declined.
    "filiere.meetings.needs.tasks.need_reminders": "08:10",
    # Governance: fee reminders (30 days after the due date, then every 30 days) and lapsing of
    # memberships unpaid past their college's grace period.
    "filiere.governance.tasks.fee_reminders_and_lapses": "06:30",
    # Import runs whose process was killed outright: marked interrupted (`filiere imports list`).
    "filiere.core.tasks.mark_abandoned_imports": timedelta(minutes=15),
}

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# The CSRF failure page in the site's layout and language (Django's own is bare English).
CSRF_FAILURE_VIEW = "filiere.core.views.csrf_failure"

# Behind a TLS-terminating reverse proxy (docs/deploy.md). Off by default so `make serve` and a
# plain-HTTP test install work; the production env file turns them on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Only when the proxy always sets (or strips) X-Forwarded-Proto: clients could forge it otherwise.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# Content-Security-Policy (django-csp 4): no inline script anywhere (behaviour lives in static
# files such as core/filiere.js), nothing loaded from another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # 'unsafe-inline' for styles only: several apps' pages carry a <style> block of their
        # own, the SVG charts and maps colour and size their shapes in style attributes, and
        # htmx adds its indicator style. Styles cannot run code; scripts stay strict.
        "style-src": ["'self'", "'unsafe-inline'"],
        # data: for the small SVG icons Swagger UI (/api/docs) inlines.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if env_bool("CSP_REPORT_ONLY", False):
    # Try the policy on a live site first: browsers report violations instead of blocking.
    CONTENT_SECURITY_POLICY_REPORT_ONLY, CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY, {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Directory search: counts are exact unless counting every match takes longer than
# DIRECTORY_EXACT_COUNT_MS; then the first DIRECTORY_FACET_LIMIT matches are counted ("more than").
DIRECTORY_FACET_LIMIT = env_int("DIRECTORY_FACET_LIMIT", 2000)
DIRECTORY_EXACT_COUNT_MS = env_int("DIRECTORY_EXACT_COUNT_MS", 40)
# Largest XLSX/ODS export built inside a request; above it anonymous visitors are pointed to the
# CSV (streamed) and signed-in users' files are built by the task worker (organisations.exports).
EXPORT_MAX_ROWS_INLINE = env_int("EXPORT_MAX_ROWS_INLINE", 5000)

# Absolute address of the site, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Mail: one URL for the server (smtp://user:password@host:587/?tls=True, smtp+ssl://…:465,
# console:// in development); messages are sent by the task worker (core.mail).
EMAIL_URL = env_str("EMAIL_URL", "console://" if DEBUG else "smtp://localhost:25")
vars().update(dj_email_url.parse(EMAIL_URL))
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <ne-pas-repondre@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Skill-needs surveys: the most reminders one company gets per campaign.
NEEDS_MAX_REMINDERS = env_int("NEEDS_MAX_REMINDERS", 3)
# Job seekers' profiles without activity for this many days are anonymised (GDPR retention).
TALENT_RETENTION_DAYS = env_int("TALENT_RETENTION_DAYS", 730)
# Talent matching also uses the semantic (embedding) channel; off: skills and words only.
TALENT_MATCH_SEMANTIC = env_bool("TALENT_MATCH_SEMANTIC", False)
# First year of the observatory's computed series.
OBSERVATORY_FIRST_YEAR = env_int("OBSERVATORY_FIRST_YEAR", 2008)
# Matching engine: vectors compared exactly before the semantic channel switches to a first pass
# on a 96-dimension projection followed by exact re-ranking of its candidates.
MATCHING_EXACT_MAX_VECTORS = env_int("MATCHING_EXACT_MAX_VECTORS", 20000)
