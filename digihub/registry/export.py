"""A hub's data in one ZIP, and back.

The archive holds ``data.json`` (every row with its relations, in Django's serialisation: the
import reads it back), one CSV per table (the same rows, spreadsheet-safe), the attached files
under ``files/``, and ``README.md`` describing every table's columns. What a row refers to
(people, partners, themes, budgets, the hub itself) is included, so the archive loads into an
empty database. A contact whose personal data was erased appears only as erased: its number,
company, "—" names and the erasure date, nothing else; change histories are not exported.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from digihub.audit.services import record_event
from digihub.core.notifications import message
from digihub.core.outbound import spreadsheet_cell

# Fields of a person's account that travel: no password, no permissions, no login times.
USER_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "role",
    "chamber",
    "partner",
    "company",
    "language",
    "is_active",
)
ERASED_CONTACT_FIELDS = ("company", "first_name", "last_name", "erased_at", "created_at")
SKIP_MODELS = ("contenttypes.contenttype", "auth.permission", "auth.group")


def _roots(hub: Any) -> list[models.QuerySet[Any]]:
    from digihub.companies.models import Company, Contact
    from digihub.funding.models import HubBudget, LedgerEntry, PaymentRequest
    from digihub.intake.models import Attachment, Conversation, Question, QuestionTransition
    from digihub.trajectories.models import (
        Advice,
        PhaseSpan,
        Quote,
        QuoteLine,
        Session,
        Survey,
        Trajectory,
    )

    companies = Company.objects.filter(
        Q(hub=hub) | Q(questions__hub=hub) | Q(trajectories__hub=hub)
    ).distinct()
    return [
        companies,
        Contact.objects.filter(company__in=companies),
        Question.objects.filter(hub=hub),
        QuestionTransition.objects.filter(question__hub=hub),
        Conversation.objects.filter(question__hub=hub),
        Attachment.objects.filter(question__hub=hub),
        Trajectory.objects.filter(hub=hub),
        PhaseSpan.objects.filter(trajectory__hub=hub),
        Quote.objects.filter(trajectory__hub=hub),
        QuoteLine.objects.filter(quote__trajectory__hub=hub),
        Session.objects.filter(trajectory__hub=hub),
        Advice.objects.filter(trajectory__hub=hub),
        Survey.objects.filter(trajectory__hub=hub),
        HubBudget.objects.filter(hub=hub),
        LedgerEntry.objects.filter(hub=hub),
        PaymentRequest.objects.filter(hub=hub),
    ]


def collect(hub: Any) -> dict[type[models.Model], dict[Any, models.Model]]:
    """The hub's rows and, transitively, every row they refer to."""
    rows: dict[type[models.Model], dict[Any, models.Model]] = defaultdict(dict)
    pending: list[models.Model] = []
    for qs in _roots(hub):
        for obj in qs.order_by("pk").iterator(chunk_size=2000):
            if obj.pk not in rows[type(obj)]:
                rows[type(obj)][obj.pk] = obj
                pending.append(obj)
    rows[type(hub)][hub.pk] = hub
    pending.append(hub)
    while pending:
        wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        for obj in pending:
            for f in obj._meta.concrete_fields:
                target = f.related_model
                if f.is_relation and isinstance(target, type):
                    value = getattr(obj, f.attname)
                    if value is not None and _travels(type(obj), f.name):
                        wanted[target].add(value)
            for m2m in obj._meta.many_to_many:
                if _travels(type(obj), m2m.name) and isinstance(m2m.related_model, type):
                    wanted[m2m.related_model].update(
                        getattr(obj, m2m.name).values_list("pk", flat=True)
                    )
        pending = []
        for model, pks in wanted.items():
            if model._meta.label_lower in SKIP_MODELS:
                continue
            new = pks - set(rows[model])
            for obj in model._default_manager.filter(pk__in=new):
                rows[model][obj.pk] = obj
                pending.append(obj)
    return rows


def _travels(model: type[models.Model], field: str) -> bool:
    if model._meta.label_lower == "accounts.user":
        return field in USER_FIELDS
    return True


def _fields(obj: models.Model) -> list[str] | None:
    label = obj._meta.label_lower
    if label == "accounts.user":
        return list(USER_FIELDS)
    if label == "companies.contact" and getattr(obj, "erased_at", None) is not None:
        return list(ERASED_CONTACT_FIELDS)
    return None


def _ordered(rows: dict[type[models.Model], dict[Any, models.Model]]) -> list[type[models.Model]]:
    app_list: dict[Any, list[type[models.Model]]] = defaultdict(list)
    for model in rows:
        app_list[apps.get_app_config(model._meta.app_label)].append(model)
    return serializers.sort_dependencies(list(app_list.items()), allow_cycles=True)  # type: ignore[arg-type]


def _serialise(obj: models.Model) -> dict[str, Any]:
    text = serializers.serialize("json", [obj], fields=_fields(obj), use_natural_foreign_keys=True)
    record: dict[str, Any] = json.loads(text)[0]
    for f in obj._meta.concrete_fields:
        # Django's JSON keeps milliseconds; the database keeps microseconds: keep them all.
        if isinstance(f, models.DateTimeField) and f.name in record["fields"]:
            value = getattr(obj, f.attname)
            record["fields"][f.name] = value.isoformat() if value is not None else None
    if obj._meta.label_lower == "accounts.user":
        record["fields"]["password"] = "!"  # noqa: S105 - an unusable password: people set their own
    return record


def _files(obj: models.Model) -> Iterable[str]:
    for f in obj._meta.concrete_fields:
        if isinstance(f, models.FileField):
            value = getattr(obj, f.attname)
            if value:
                yield str(value)


def _column_doc(model: type[models.Model], name: str) -> str:
    try:
        f = model._meta.get_field(name)
    except Exception:
        return ""
    parts = [str(getattr(f, "verbose_name", name))]
    target: Any = f.related_model
    if f.is_relation and isinstance(target, type):
        parts.append(f"→ {target._meta.label_lower}")  # type: ignore[attr-defined]
    choices = getattr(f, "choices", None)
    if choices:
        parts.append("; ".join(f"{k}={v}" for k, v in choices if k != ""))
    help_text = getattr(f, "help_text", "")
    if help_text:
        parts.append(str(help_text))
    return " — ".join(parts)


def export_hub(hub: Any, *, actor: Any = None) -> bytes:
    """The ZIP of a hub's data (see the module's description)."""
    rows = collect(hub)
    buffer = io.BytesIO()
    records: list[dict[str, Any]] = []
    readme = [
        f"# {hub} — export of {timezone.now():%Y-%m-%d %H:%M}",
        "",
        "`data.json` holds every row with its relations (Django serialisation; "
        "`manage.py import_hub_export` loads it into an empty database). "
        "Each CSV below holds the same rows of one table; `files/` holds the attached files "
        "under the names the CSVs give. Contacts whose personal data was erased appear with "
        "'—' names only.",
        "",
    ]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for model in _ordered(rows):
            objs = [rows[model][pk] for pk in sorted(rows[model], key=str)]
            if not objs:
                continue
            label = model._meta.label_lower
            serialised = [_serialise(o) for o in objs]
            records.extend(serialised)
            columns = ["id", *sorted({k for r in serialised for k in r["fields"]})]
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(columns)
            for record in serialised:
                values = [record["pk"]] + [record["fields"].get(c, "") for c in columns[1:]]
                writer.writerow(
                    [
                        spreadsheet_cell(json.dumps(v) if isinstance(v, list | dict) else v)
                        for v in values
                    ]
                )
            archive.writestr(f"{label}.csv", out.getvalue())
            readme += [f"## {label}.csv — {model._meta.verbose_name_plural} ({len(objs)} rows)", ""]
            readme += [f"- `{c}`: {_column_doc(model, c)}" for c in columns]
            readme.append("")
            for obj in objs:
                for name in _files(obj):
                    if default_storage.exists(name):
                        with default_storage.open(name, "rb") as handle:
                            archive.writestr(f"files/{name}", handle.read())
        archive.writestr(
            "data.json", json.dumps(records, ensure_ascii=False, indent=1, default=str)
        )
        archive.writestr("README.md", "\n".join(readme))
    if actor is not None:
        record_event(
            actor=actor,
            action="registry.exported",
            target=hub,
            summary=message(gettext_lazy("Export of %(hub)s"), hub=hub),
        )
    return buffer.getvalue()


class ArchiveError(Exception):
    pass


@transaction.atomic
def import_archive(data: bytes) -> int:
    """Load an export into an (empty) database: rows with their numbers, then the files.
    Returns the number of rows."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        payload = archive.read("data.json").decode("utf-8")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ArchiveError("This is not a Digihub export (no data.json).") from exc
    count = 0
    tables = set()
    with connection.constraint_checks_disabled():
        for item in serializers.deserialize(
            "json", payload, handle_forward_references=True, ignorenonexistent=True
        ):
            item.save()
            tables.add(item.object._meta.db_table)
            count += 1
    connection.check_constraints(table_names=sorted(tables))
    for name in archive.namelist():
        if name.startswith("files/") and not name.endswith("/"):
            target = name.removeprefix("files/")
            if ".." in target.split("/"):
                continue
            if not default_storage.exists(target):
                default_storage.save(target, ContentFile(archive.read(name)))
    _reset_sequences({apps.get_model(label) for label in _labels(payload)})
    return count


def _labels(payload: str) -> set[str]:
    return {record["model"] for record in json.loads(payload)}


def _reset_sequences(models_: set[type[models.Model]]) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def export_is_large(hub: Any) -> bool:
    from digihub.intake.models import Question

    return Question.objects.filter(hub=hub).count() > getattr(
        settings, "DIGIHUB_EXPORT_INLINE_QUESTIONS", 5000
    )
