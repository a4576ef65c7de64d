"""Outgoing mail: rendered in the recipient's language, absolute links, sent by the task worker.

Every app sends mail through `send_templated_mail` (or `send_mail_later` for a text it built):
the message is rendered now, in `language`, and handed to the `send_mail` task once the
current transaction commits, so a rolled-back write never mails anyone and a slow SMTP server
never holds a request. Settings come from the environment: `EMAIL_URL`, `DEFAULT_FROM_EMAIL`,
`SITE_URL` (docs/configuration.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """`path` (from `reverse`) as an absolute address on the site (`SITE_URL`)."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def render_mail(template: str, context: dict[str, Any], *, language: str | None = None) -> tuple[str, str]:
    """(subject, body) of `<template>_subject.txt` and `<template>_body.txt`, in `language`.

    The context gets `site_name` and `site_url`; links in it must already be absolute
    (`absolute_url`).
    """
    language = language or settings.LANGUAGE_CODE
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context).strip() + "\n"
    return subject, body


def send_mail_later(
    *,
    to: Iterable[str],
    subject: str,
    body: str,
    reply_to: Iterable[str] = (),
    from_email: str | None = None,
    attachments: Iterable[tuple[str, str, str]] = (),
) -> None:
    """Queue one message for the task worker, after the current transaction commits.

    `attachments` are (file name, text content, MIME type), e.g. an ICS invitation.
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    from .tasks import send_mail

    sender = from_email or settings.DEFAULT_FROM_EMAIL
    replies = list(reply_to)
    files = [list(attachment) for attachment in attachments] or None
    transaction.on_commit(
        lambda: send_mail.enqueue(
            to=recipients,
            subject=subject[:250],
            body=body,
            reply_to=replies,
            from_email=sender,
            attachments=files,
        )
    )


def send_templated_mail(
    template: str,
    *,
    to: Iterable[str],
    context: dict[str, Any],
    language: str | None = None,
    reply_to: Iterable[str] = (),
    attachments: Iterable[tuple[str, str, str]] = (),
) -> None:
    """Render `template` in `language` (French by default) and queue it (see `send_mail_later`)."""
    subject, body = render_mail(template, context, language=language)
    send_mail_later(to=to, subject=subject, body=body, reply_to=reply_to, attachments=attachments)
