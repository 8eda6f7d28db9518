from __future__ import annotations

from django_tasks import task


@task()
def import_kbo_upload(upload_id: int) -> None:
    """An uploaded KBO/BCE extract, imported by the worker (``kbo_upload.run_upload``)."""
    from .kbo_upload import run_upload

    run_upload(upload_id)
