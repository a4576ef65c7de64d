"""Background tasks shared by every app (django-tasks)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_mail(
    *,
    to: list[str],
    subject: str,
    body: str,
    from_email: str,
    reply_to: list[str],
    attachments: list[list[str]] | None = None,
) -> int:
    """Send one message through the configured mail backend (`EMAIL_URL`); raises on failure so
    the worker records the task as failed. `attachments`: [file name, text, MIME type] each."""
    message = EmailMessage(subject, body, from_email, to, reply_to=reply_to or None)
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    return message.send(fail_silently=False)


@task()
def mark_abandoned_imports() -> int:
    """Mark interrupted the import runs whose process was killed (see ImportRun.objects.mark_abandoned)."""
    from .models import ImportRun

    return ImportRun.objects.mark_abandoned()
