from __future__ import annotations

from django_tasks import task


@task()
def send_assessment_reminders() -> dict[str, int]:
    """Background run of the T1 links and reminders that are due (the command enqueues it with
    ``--background``; cron or the worker's schedule runs the command daily)."""
    from .services import send_due

    run = send_due()
    return {
        "invited": run.invited,
        "reminded": run.reminded,
        "without_address": run.without_address,
    }
