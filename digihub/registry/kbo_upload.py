"""A KBO/BCE open data extract uploaded on the web page: checked, kept in private storage and
imported in the background by the same ``import_extract`` the ``import_kbo`` command runs.

The upload is refused at once (at the file field) when it is too large, not a ZIP, not a KBO
extract, or a full extract that misses a file; what goes wrong later (a broken row, the database)
shows on the page as the upload's error. Files already imported stay imported: a new upload of
the same extract goes on where the failed one stopped (``ImportRun``)."""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digihub.core.notifications import Message, message

from .kbo import KboError, check_extract, import_extract
from .models import ImportRun, KboUpload, UploadStatus
from .policies import can_import_kbo

logger = logging.getLogger(__name__)

ACTIVE = (UploadStatus.QUEUED, UploadStatus.RUNNING)
# A run that has said nothing for this long died with its worker: it no longer blocks a new one.
STALE_AFTER = 12


def max_bytes() -> int:
    return int(settings.DIGIHUB_KBO_MAX_UPLOAD_BYTES)


def under_way() -> KboUpload | None:
    """The upload being imported or waiting. One silent for ``STALE_AFTER`` hours (its worker
    died) is marked failed first, so that it neither blocks the next upload for ever nor
    breaks the rule of one import at a time (``kbo_upload_one_under_way``)."""
    import datetime as dt

    since = timezone.now() - dt.timedelta(hours=STALE_AFTER)
    text = message(
        gettext_lazy(
            "The import stopped without a word for %(hours)s hours. The files imported before "
            "it stay imported; upload the extract again to go on."
        ),
        hours=STALE_AFTER,
    )
    KboUpload.objects.filter(status__in=ACTIVE, uploaded_at__lt=since).exclude(
        started_at__gte=since
    ).update(
        status=UploadStatus.FAILED,
        finished_at=timezone.now(),
        error=str(text),
        error_data={"id": text.msgid, "params": text.params},
    )
    return KboUpload.objects.filter(status__in=ACTIVE).order_by("uploaded_at").first()


@contextmanager
def _local_path(name: str) -> Iterator[Path]:
    """A path on disk for a stored file (the file itself on local storage, else a copy)."""
    try:
        yield Path(default_storage.path(name))
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile(suffix=".zip") as copy:
        with default_storage.open(name, "rb") as stored:
            shutil.copyfileobj(stored, copy)
        copy.flush()
        yield Path(copy.name)


def start_import(*, actor: Any, upload: UploadedFile) -> KboUpload:
    """Keep the extract and import it in the background; refuses a file that is no extract."""
    decision = can_import_kbo(actor)
    if not decision:
        raise PermissionDenied(decision.reason)
    size = upload.size or 0
    if size > max_bytes():
        raise ValidationError(
            {
                "file": _("The file is too large: at most %(mb)s MB.")
                % {"mb": max_bytes() // (1024 * 1024)}
            }
        )
    upload.seek(0)
    if size == 0 or upload.read(4) != b"PK\x03\x04":
        raise ValidationError(
            {"file": _("Upload the ZIP file of a KBO open data extract (full or update).")}
        )
    upload.seek(0)
    running = under_way()
    if running is not None:
        raise ValidationError(
            _("Extract %(number)s is still being imported; upload the next one when it is done.")
            % {"number": running.extract_number}
        )
    name = default_storage.save(f"kbo-uploads/{uuid.uuid4().hex}.zip", upload)
    try:
        with _local_path(name) as path:
            meta = check_extract(path)
    except (KboError, zipfile.BadZipFile, KeyError, UnicodeDecodeError) as exc:
        default_storage.delete(name)
        reason = str(exc) if isinstance(exc, KboError) else _("The ZIP file cannot be read.")
        raise ValidationError({"file": reason}) from exc
    try:
        with transaction.atomic():
            row = KboUpload.objects.create(
                file=name,
                original_name=Path(upload.name or "").name[:200],
                size=size,
                uploaded_by=actor,
                extract_number=meta.extract_number,
                extract_type=meta.extract_type,
                snapshot_date=meta.snapshot_date,
            )
    except IntegrityError as exc:  # another upload was accepted while this one was checked
        default_storage.delete(name)
        raise ValidationError(
            _("Another extract is being imported; upload this one when it is done.")
        ) from exc
    from .tasks import import_kbo_upload

    transaction.on_commit(lambda: import_kbo_upload.enqueue(row.pk))
    return row


def run_upload(upload_id: int) -> None:
    """The background part: import the stored extract, then let go of the file."""
    claimed = KboUpload.objects.filter(pk=upload_id, status=UploadStatus.QUEUED).update(
        status=UploadStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return  # taken by another worker, or no longer waiting
    upload = KboUpload.objects.get(pk=upload_id)

    def step(name: str) -> None:
        KboUpload.objects.filter(pk=upload_id).update(step=name[:60])

    try:
        with _local_path(upload.file) as path:
            report = import_extract(path, progress=step)
    except Exception as exc:  # the page says what happened; the log keeps the details
        logger.exception("KBO upload %s failed", upload_id)
        text = (
            exc.args[0]
            if isinstance(exc, KboError) and isinstance(exc.args[0], Message)
            else message(
                gettext_lazy(
                    "The import stopped: %(error)s. The files imported before it stay "
                    "imported; upload the extract again to go on."
                ),
                error=f"{type(exc).__name__}: {exc}"[:300],
            )
        )
        KboUpload.objects.filter(pk=upload_id).update(
            status=UploadStatus.FAILED,
            finished_at=timezone.now(),
            error=str(text),
            error_data={"id": text.msgid, "params": text.params},
        )
    else:
        KboUpload.objects.filter(pk=upload_id).update(
            status=UploadStatus.DONE,
            finished_at=timezone.now(),
            step="",
            rows=sum(rows for _name, rows, _s, _note in report.files),
            refreshed=report.refreshed,
        )
    finally:
        default_storage.delete(upload.file)


def error_text(upload: KboUpload) -> str:
    """Why an upload failed, in the reader's language."""
    from digihub.core.notifications import shown_summary

    return shown_summary(upload.error, {"summary_msg": upload.error_data})


def files_of(upload: KboUpload) -> list[ImportRun]:
    """The files of the upload's extract imported so far (a file shows once it is done)."""
    return list(
        ImportRun.objects.filter(
            extract_number=upload.extract_number, finished_at__isnull=False
        ).order_by("finished_at", "id")
    )


def rows_so_far(upload: KboUpload) -> int:
    return int(
        ImportRun.objects.filter(
            extract_number=upload.extract_number, finished_at__isnull=False
        ).aggregate(total=Sum("rows"))["total"]
        or 0
    )
