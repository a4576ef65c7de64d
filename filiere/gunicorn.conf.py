"""gunicorn settings (`gunicorn -c filiere/gunicorn.conf.py`, as in the Procfile and docs/deploy.md).

Read from the environment like the Django settings; see docs/configuration.md, "Processes".
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name) or ""
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise SystemExit(f"{name} must be an integer, got {value!r}") from exc


wsgi_app = "filiere.wsgi:application"
# Behind nginx on the same machine: listen on the loopback only.
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
# Synchronous workers, each one process: 2 per core is the usual start for a database-bound site.
workers = _int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1))
threads = _int("GUNICORN_THREADS", 1)
# Exports and large pages may take a while; beyond this a stuck worker is killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Recycle workers now and then, so a slow leak never grows for weeks.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or "-"
errorlog = "-"
# nginx passes X-Forwarded-Proto from 127.0.0.1 only; Django decides with SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS") or "127.0.0.1"
