"""Mail really goes out: `send_templated_mail` → commit → the task worker → an SMTP server.

A real SMTP server (aiosmtpd) listens on a free local port; the tasks use the database backend
and `db_worker` runs them, as in production. What the server received is parsed and checked:
subject, recipient, absolute links on SITE_URL, French unless the recipient reads English.
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from filiere.core.mail import absolute_url, send_templated_mail

pytestmark = pytest.mark.django_db(transaction=True)

SITE_URL = "https://filiere.example.fr"


class Inbox:
    """aiosmtpd handler: keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def real_mail(transactional_db: None, smtp_server: tuple[Inbox, int]) -> Iterator[Inbox]:
    """The SMTP backend on the local server, the database task backend (`db_worker` sends).

    Asks for the database first: settings overridden before pytest-django sets the test
    database up leave the connection unconfigured.
    """
    inbox, port = smtp_server
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        SITE_URL=SITE_URL,
        DEFAULT_FROM_EMAIL="Filière <ne-pas-repondre@filiere.example.fr>",
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
    ):
        yield inbox


def follow_up(to: str, language: str | None = None) -> None:
    """A real template of the platform, queued inside a transaction like any service does."""
    with transaction.atomic():
        send_templated_mail(
            "showcase/mail/contact_followup",
            to=[to],
            context={
                "subject": "Maintenance prédictive",
                "requests_url": absolute_url(reverse("showcase:requests")),
            },
            language=language,
        )


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_a_templated_mail_reaches_the_smtp_server_through_the_worker(real_mail: Inbox) -> None:
    follow_up("firm@example.org")
    assert real_mail.messages == []  # queued, not sent by the caller
    run_worker()
    [(recipients, message)] = real_mail.messages
    assert recipients == ["firm@example.org"]
    assert message["To"] == "firm@example.org"
    assert "ne-pas-repondre@filiere.example.fr" in message["From"]
    assert message["Subject"].strip() == "Votre échange « Maintenance prédictive » a-t-il abouti ?"
    body = message.get_content()
    assert "Un contrat a-t-il été signé" in body
    assert f"{SITE_URL}/vitrine/demandes/" in body


def test_english_when_the_recipient_reads_english(real_mail: Inbox) -> None:
    follow_up("firm@example.org", language="en")
    run_worker()
    [(_, message)] = real_mail.messages
    assert message["Subject"].strip() == "Did your exchange “Maintenance prédictive” lead anywhere?"
    body = message.get_content()
    assert "Was a contract signed" in body and f"{SITE_URL}/vitrine/demandes/" in body


def test_a_rolled_back_write_mails_nobody(real_mail: Inbox) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        send_templated_mail(
            "showcase/mail/contact_followup",
            to=["firm@example.org"],
            context={"subject": "x", "requests_url": SITE_URL},
        )
        raise RuntimeError
    run_worker()
    assert real_mail.messages == []
