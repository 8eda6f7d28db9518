"""The lookup table of the Crossroads Bank for Enterprises (KBO/BCE) open data.

Only what the platform needs: an enterprise's number, status, juridical situation and form, start
date; its denominations per language and type; the addresses of enterprises and their
establishment units (the seat, or an establishment's address when the enterprise has none); NACE
codes of versions 2008 and 2025; the code table's descriptions. Numbers are stored as ten digits
without dots (``0201310929``), as ``Company.enterprise_number``.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Enterprise(models.Model):
    number = models.CharField(_("enterprise number"), max_length=10, primary_key=True)
    status = models.CharField(_("status"), max_length=2)  # AC = active
    juridical_situation = models.CharField(_("juridical situation"), max_length=3, blank=True)
    type_of_enterprise = models.CharField(max_length=1, blank=True)  # 1 natural, 2 legal person
    juridical_form = models.CharField(_("legal form"), max_length=3, blank=True)
    # The form as the Code of Companies and Associations reads an older one (empty when the same)
    juridical_form_cac = models.CharField(max_length=3, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)

    class Meta:
        verbose_name = _("registered enterprise")
        verbose_name_plural = _("registered enterprises")

    def __str__(self) -> str:
        return self.number


class Establishment(models.Model):
    number = models.CharField(max_length=10, primary_key=True)
    enterprise_number = models.CharField(max_length=10, db_index=True)
    start_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.number


class Denomination(models.Model):
    """A name of an enterprise or establishment: type 001 name, 002 abbreviation, 003 commercial
    name, 004 branch name; language 0 unknown, 1 FR, 2 NL, 3 DE, 4 EN."""

    entity_number = models.CharField(max_length=10, db_index=True)
    language = models.CharField(max_length=1)
    type = models.CharField(max_length=3)
    denomination = models.CharField(max_length=320)
    # lower-case copy for the prefix and trigram indexes (see the migration)
    search = models.CharField(max_length=320)

    class Meta:
        indexes = [
            models.Index(
                fields=["search"],
                name="registry_denom_search_prefix",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.denomination


# A word of a name: digits and letters of the Latin scripts (a-z, U+00C0–U+024F: French, Dutch,
# German accents); anything else separates words. Spelled out instead of [[:alnum:]] so that
# Python and PostgreSQL agree whatever the database's locale (under C.UTF-8 PostgreSQL's
# [[:alnum:]] is ASCII only and would cut "électricité" in two).
WORD_LETTERS = "0-9a-z\u00c0-\u024f"
WORD_SEPARATORS = f"[^{WORD_LETTERS}]+"
_SEPARATORS = re.compile(WORD_SEPARATORS)
# Four letters at least: a shorter word has too few trigrams for a similarity to mean anything
# (two letters swapped in a three-letter word change three of its four trigrams), and the short
# ones (nv, bv, de, van, les) are the most common and need no correcting.
WORD_MIN_LENGTH = 4


def name_words(text: str) -> list[str]:
    """The words of a lower-case name that ``NameWord`` keeps, in order (repeats included)."""
    return [
        word
        for word in _SEPARATORS.split(text)
        if len(word) >= WORD_MIN_LENGTH and not word.isdigit()
    ]


class NameWord(models.Model):
    """A distinct word of the lower-case names (``Denomination.search``), with a trigram index of
    its own on PostgreSQL: a misspelt word is corrected against these few hundred thousand words
    instead of against millions of names. Filled by the import; see ``kbo.fill_name_words``."""

    word = models.CharField(max_length=320, primary_key=True)

    def __str__(self) -> str:
        return self.word


class Address(models.Model):
    """REGO: registered seat of an enterprise; BAET: address of an establishment unit."""

    entity_number = models.CharField(max_length=10, db_index=True)
    type = models.CharField(max_length=4)
    country_nl = models.CharField(max_length=100, blank=True)
    country_fr = models.CharField(max_length=100, blank=True)
    zipcode = models.CharField(max_length=20, blank=True)
    municipality_nl = models.CharField(max_length=200, blank=True)
    municipality_fr = models.CharField(max_length=200, blank=True)
    street_nl = models.CharField(max_length=200, blank=True)
    street_fr = models.CharField(max_length=200, blank=True)
    house_number = models.CharField(max_length=22, blank=True)
    box = models.CharField(max_length=20, blank=True)
    extra = models.CharField(max_length=300, blank=True)
    struck_off = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.entity_number} {self.type}"


class Activity(models.Model):
    entity_number = models.CharField(max_length=10, db_index=True)
    group = models.CharField(max_length=6)
    nace_version = models.CharField(max_length=4)
    nace_code = models.CharField(max_length=8)
    classification = models.CharField(max_length=4)  # MAIN, SECO, ANCI

    def __str__(self) -> str:
        return f"{self.entity_number} {self.nace_version} {self.nace_code}"


class Code(models.Model):
    category = models.CharField(max_length=40)
    code = models.CharField(max_length=20)
    language = models.CharField(max_length=2)
    description = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code", "language"], name="registry_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.code} {self.language}"


class ImportRun(models.Model):
    """One file of one extract, imported (or being imported): makes the import resumable and
    idempotent — a file whose run finished is skipped when the same extract is imported again."""

    extract_number = models.PositiveIntegerField(_("extract number"))
    extract_type = models.CharField(_("extract type"), max_length=10)  # full / update
    snapshot_date = models.DateField(_("snapshot date"), null=True, blank=True)
    file = models.CharField(_("file"), max_length=60)
    rows = models.PositiveBigIntegerField(_("rows"), default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-extract_number", "id"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        constraints = [
            models.UniqueConstraint(fields=["extract_number", "file"], name="registry_run_unique")
        ]

    def __str__(self) -> str:
        return f"{self.extract_number} {self.file}"


class RegisterMapping(models.Model):
    """Which spreadsheet column holds which field, remembered per hub and kind of register."""

    hub = models.ForeignKey("network.Hub", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hub", "kind"], name="register_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.hub_id} {self.kind}"


class ImportedRecord(models.Model):
    """The natural key of an imported register row and the object it became: importing the same
    row again finds it instead of creating a second one."""

    hub = models.ForeignKey("network.Hub", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=200)
    object_id = models.PositiveBigIntegerField()
    fingerprint = models.CharField(max_length=64)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hub", "kind", "key"], name="imported_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class UploadStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to start")
    RUNNING = "running", _("importing")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")


class KboUpload(models.Model):
    """A KBO/BCE open data extract uploaded on the web page and imported in the background; the
    files it imports are ``ImportRun`` rows of its extract number."""

    file = models.CharField(max_length=200)  # its name in private storage while it waits
    original_name = models.CharField(_("file"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=UploadStatus.choices, default=UploadStatus.QUEUED
    )
    extract_number = models.PositiveIntegerField(_("extract number"))
    extract_type = models.CharField(_("extract type"), max_length=10)  # full / update
    snapshot_date = models.DateField(_("snapshot date"), null=True, blank=True)
    step = models.CharField(max_length=60, blank=True)  # the file being imported, or "refresh"
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveBigIntegerField(_("rows"), default=0)
    refreshed = models.PositiveIntegerField(default=0)  # platform companies refreshed
    # Why it failed, as written and as message id and parameters (shown in the reader's language).
    error = models.TextField(blank=True)
    error_data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("KBO upload")
        verbose_name_plural = _("KBO uploads")
        constraints = [
            # One extract at a time, even when two coordinators upload in the same minute.
            models.UniqueConstraint(
                models.Value(1),
                condition=models.Q(status__in=["queued", "running"]),
                name="kbo_upload_one_under_way",
            )
        ]

    def __str__(self) -> str:
        return f"{self.extract_number} {self.original_name}"
