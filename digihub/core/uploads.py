"""Uploaded files: checked by their content (not their name) and size, kept in private storage."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext as _

PDF, PNG, JPEG, DOCX, XLSX, TEXT = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/plain",
)


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int


def sniff(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        return None
    sample = upload.read(4096)
    upload.seek(0)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return TEXT if b"\x00" not in sample else None


def check_upload(
    upload: UploadedFile, allowed: tuple[str, ...] = (PDF, PNG, JPEG, DOCX, XLSX, TEXT)
) -> CheckedFile:
    if upload.size is None or upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large: at most %(mb)s MB.")
            % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="size",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    content_type = sniff(upload)
    if content_type not in allowed:
        raise ValidationError(
            _("This kind of file is not accepted. Upload a PDF, image, Word, Excel or text file."),
            code="type",
        )
    return CheckedFile(content_type, upload.size)


def serve(file_field: object, name: str, content_type: str) -> FileResponse:
    """Stream a private file; callers have checked who may see it."""
    handle = file_field.open("rb")  # type: ignore[attr-defined]
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
