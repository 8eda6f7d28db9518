from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from .outbound import email_body, email_subject


@task()
def send_email(subject: str, body: str, recipients: list[str]) -> int:
    """Background e-mail; retried by the worker's policy, never blocks a request. Every mail
    leaves through here, so its subject is made one line here: a line break in it would make
    Django refuse the whole message, noticed only in the worker's log."""
    return send_mail(
        email_subject(subject),
        email_body(body),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
        fail_silently=False,
    )
