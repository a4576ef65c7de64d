"""Running for real: login limits, the client address behind a proxy, the CSP, `check --deploy`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from filiere.core.login_limits import client_ip
from filiere.organisations.tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[3]


def login(client, username: str, password: str, ip: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_a_locked_address_does_not_lock_the_account_elsewhere(client, settings) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="camille")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "camille", "wrong password", "10.0.0.1")
    assert login(client, "camille", PASSWORD, "10.0.0.1").status_code == 429
    assert login(client, "camille", PASSWORD, "10.0.0.2").status_code == 302


@pytest.mark.django_db
def test_password_spraying_from_many_addresses_locks_the_account(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 12
    UserFactory(username="camille")
    # Three failures from each of four addresses: never the per-address limit (5), 12 in all.
    for attempt in range(11):
        response = login(client, "camille", "wrong password", f"10.0.1.{attempt % 4}")
        assert response.status_code != 429
    login(client, "camille", "wrong password", "10.0.1.3")
    assert login(client, "camille", PASSWORD, "10.0.2.1").status_code == 429
    # Another account is not affected.
    UserFactory(username="dominique")
    assert login(client, "dominique", PASSWORD, "10.0.2.1").status_code == 302


@pytest.mark.django_db
def test_below_the_account_limit_spread_failures_do_not_lock(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 12
    UserFactory(username="camille")
    for attempt in range(11):
        login(client, "camille", "wrong password", f"10.0.1.{attempt % 4}")
    assert login(client, "camille", PASSWORD, "10.0.2.1").status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client wrote itself is skipped
        (2, "6.6.6.6, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (1, "", "127.0.0.1"),  # not through the proxy
        (1, "not-an-address", "127.0.0.1"),
    ],
)
def test_client_address_behind_trusted_proxies(settings, count: int, forwarded: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_pages_carry_a_strict_script_policy(client) -> None:  # type: ignore[no-untyped-def]
    policy = client.get(reverse("core:home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_templates_have_no_inline_script() -> None:
    inline_handler = re.compile(r"\son[a-z]+\s*=", re.I)
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
    offenders = []
    for path in sorted((ROOT / "filiere").glob("*/templates/**/*.html")):
        text = path.read_text()
        if inline_handler.search(text) or inline_script.search(text) or "javascript:" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def production_env(tmp_path: Path) -> dict[str, str]:
    """The env file of docs/deploy.md, with a database of the test's own."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    block = re.search(r"<!-- env-file -->\s*```sh\n(.*?)```", text, re.S)
    assert block, "docs/deploy.md lost its env file block"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "FILIERE_DATA_DIR": os.environ.get("FILIERE_DATA_DIR", ""),
    }
    for line in block[1].splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env["SECRET_KEY"] = "k3y-for-the-deploy-check-only-" + "x7Qp9ZrT4mWv2Ls8Nd6Fh1Jc5Gb3Ky0A"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    return env


def test_check_deploy_is_clean_with_the_documented_production_env(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "filiere.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
