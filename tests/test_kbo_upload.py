"""The KBO/BCE open data uploaded on a page by a coordinator: checked at once, imported in the
background by the command's own import, its progress and errors shown on the page."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from digihub.registry.models import Enterprise, ImportRun, KboUpload, UploadStatus

from .kbo_files import dotted, write_extract
from .test_registry import BAKERY, full_extract, update_extract

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/registry/exchange/kbo/"


@pytest.fixture(autouse=True)
def private_storage(settings: Any, tmp_path: Path) -> Path:
    media = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    return media


def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/zip")


def _stored(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def test_the_url_is_named_and_who_may_open_it(people: Any, client_for: Any, client: Any) -> None:
    assert reverse("registry:kbo_import") == URL
    assert client.get(URL).status_code == 302  # log in first
    for role in ("advisor_a", "partner_p", "sme_x", "officer"):
        assert client_for(getattr(people, role)).get(URL).status_code == 403, role
        assert client_for(getattr(people, role)).post(URL).status_code == 403, role
    page = client_for(people.coordinator).get(URL)
    assert page.status_code == 200 and 'type="file"' in page.text
    # Where coordinators find the tools to bring data in: the link, and only for them.
    exchange = reverse("registry:exchange")
    assert URL in client_for(people.coordinator).get(exchange).text
    assert URL not in client_for(people.advisor_a).get(exchange).text


def test_a_full_extract_then_an_update_are_imported_in_the_background(
    people: Any,
    client_for: Any,
    tmp_path: Path,
    private_storage: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(people.coordinator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(URL, {"file": _upload(full_extract(tmp_path))})
    assert response.status_code == 302 and len(callbacks) == 1
    upload = KboUpload.objects.get()
    assert (upload.status, upload.extract_number, upload.extract_type) == (
        UploadStatus.DONE,
        140,
        "full",
    )
    assert upload.uploaded_by == people.coordinator and upload.rows > 0
    assert Enterprise.objects.count() == 3
    assert ImportRun.objects.filter(extract_number=140, finished_at__isnull=False).count() >= 6
    assert _stored(private_storage) == []  # the file is gone once imported
    page = client.get(URL)
    assert "Extract 140 is uploaded" in page.text and "imported" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"file": _upload(update_extract(tmp_path))})
    update = KboUpload.objects.get(extract_number=141)
    assert update.status == UploadStatus.DONE and update.extract_type == "update"
    assert Enterprise.objects.filter(number=BAKERY).exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a zip at all", "Upload the ZIP file of a KBO open data extract"),
        (None, "meta.csv is missing: this is not a KBO open data extract."),
        ("full-without-establishments", "establishment.csv is missing from the extract."),
    ],
)
def test_a_file_that_is_no_extract_is_refused_at_the_field(
    content: Any,
    message: str,
    people: Any,
    client_for: Any,
    tmp_path: Path,
    private_storage: Path,
) -> None:
    path = tmp_path / "upload.zip"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "hello")
    elif content == "full-without-establishments":
        write_extract(path, number=150, kind="full", tables={"enterprise": []})
    else:
        path.write_bytes(content)
    response = client_for(people.coordinator).post(URL, {"file": _upload(path)})
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors["file"])
    assert message.replace("'", "&#x27;") in response.text
    assert not KboUpload.objects.exists() and _stored(private_storage) == []


def test_a_file_too_large_is_refused(
    people: Any, client_for: Any, tmp_path: Path, settings: Any
) -> None:
    settings.DIGIHUB_KBO_MAX_UPLOAD_BYTES = 1024 * 1024
    path = tmp_path / "big.zip"
    path.write_bytes(b"PK\x03\x04" + b"0" * (1024 * 1024))
    response = client_for(people.coordinator).post(URL, {"file": _upload(path)})
    assert response.status_code == 400
    assert "The file is too large: at most 1 MB." in response.context["form"].errors["file"]
    assert not KboUpload.objects.exists()


def test_an_import_that_fails_in_the_background_says_why_in_the_readers_language(
    people: Any, client_for: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    broken = write_extract(
        tmp_path / "broken.zip",
        number=160,
        kind="update",
        tables={"enterprise_insert": [(dotted(BAKERY), "AC", "000", "2", "014", "", "31-31-1995")]},
    )
    client = client_for(people.coordinator)
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        # the worker writes in the platform's language
        response = client.post(URL, {"file": _upload(broken)}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302
    upload = KboUpload.objects.get()
    assert upload.status == UploadStatus.FAILED and upload.error_data["id"]
    page = client.get(URL)
    assert "The import stopped: " in page.text  # the error the database or the parser gave
    assert "upload the extract again to go on" in page.text


def test_one_import_at_a_time_and_the_page_follows_it(
    people: Any, client_for: Any, tmp_path: Path
) -> None:
    running = KboUpload.objects.create(
        file="kbo-uploads/x.zip",
        original_name="KboOpenData_0170.zip",
        size=10,
        uploaded_by=people.coordinator,
        extract_number=170,
        extract_type="full",
        status=UploadStatus.RUNNING,
        step="denomination.csv",
    )
    client = client_for(people.coordinator)
    partial = client.get(URL, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<h1>" not in partial.text
    assert 'hx-trigger="every 3s"' in partial.text and "now: denomination.csv" in partial.text
    response = client.post(URL, {"file": _upload(full_extract(tmp_path))})
    assert response.status_code == 400
    assert "Extract 170 is still being imported" in response.text
    assert KboUpload.objects.count() == 1
    KboUpload.objects.filter(pk=running.pk).update(status=UploadStatus.DONE)
    assert 'hx-trigger="every 3s"' not in client.get(URL, HTTP_HX_REQUEST="true").text


def test_two_uploads_checked_at_the_same_time_give_one_import(
    people: Any, client_for: Any, tmp_path: Path, private_storage: Path, monkeypatch: Any
) -> None:
    """The second coordinator's file passed the "nothing under way" check while the first
    one's extract was being read: the database keeps one import under way all the same."""
    from digihub.registry import kbo_upload

    client = client_for(people.coordinator)
    assert client.post(URL, {"file": _upload(full_extract(tmp_path))}).status_code in (200, 302)
    monkeypatch.setattr(kbo_upload, "under_way", lambda: None)
    response = client.post(URL, {"file": _upload(full_extract(tmp_path))})
    assert response.status_code == 400
    assert "Another extract is being imported" in response.text
    assert KboUpload.objects.count() == 1
    assert len(_stored(private_storage)) == 1  # the refused file is not kept


def test_an_import_silent_for_hours_no_longer_blocks_the_next(
    people: Any, client_for: Any, tmp_path: Path
) -> None:
    import datetime as dt

    from django.utils import timezone

    long_ago = timezone.now() - dt.timedelta(hours=13)
    stuck = KboUpload.objects.create(
        file="kbo-uploads/x.zip",
        original_name="KboOpenData_0170.zip",
        size=10,
        uploaded_by=people.coordinator,
        uploaded_at=long_ago,
        started_at=long_ago,
        extract_number=170,
        extract_type="full",
        status=UploadStatus.RUNNING,
    )
    client = client_for(people.coordinator)
    assert client.post(URL, {"file": _upload(full_extract(tmp_path))}).status_code in (200, 302)
    stuck.refresh_from_db()
    assert stuck.status == UploadStatus.FAILED
    assert "without a word for 12 hours" in client.get(URL).text
    assert KboUpload.objects.filter(status__in=["queued", "running", "done"]).count() == 1
