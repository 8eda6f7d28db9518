from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digihub.core.i18n import BilingualName
from digihub.core.money import MoneyField
from digihub.network.models import ServiceType


class Payer(models.TextChoices):
    EU = "eu", _("European Union (EFRO)")
    # Which region co-finances depends on the programme: the source's own name says it.
    REGION = "region", _("Regional government")
    CHAMBER = "chamber", _("Chamber (private)")
    SME = "sme", _("SME (private)")


class FundingSource(BilingualName):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    payer = models.CharField(_("payer"), max_length=10, choices=Payer.choices)
    is_subsidy = models.BooleanField(_("public subsidy"), default=True)
    order = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    @property
    def payer_name(self) -> str:
        """Who pays this source's share: a region by the source's name (the Flemish
        co-financing, the Walloon Region), the other payers by their kind."""
        if self.payer == Payer.REGION:
            return self.name
        return str(Payer(self.payer).label) if self.payer in Payer.values else self.payer


class Programme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    max_subsidy_per_hub = MoneyField(_("maximum subsidy per hub"), null=True, blank=True)
    max_subsidy_per_trajectory = MoneyField(
        _("maximum subsidy per trajectory"), null=True, blank=True
    )
    max_subsidy_per_company = MoneyField(_("maximum subsidy per company"), null=True, blank=True)
    total_subsidy_cap = MoneyField(_("maximum subsidy in all"), null=True, blank=True)
    de_minimis_ceiling = MoneyField(_("de minimis ceiling"), default=Decimal("300000.00"))
    de_minimis_years = models.PositiveSmallIntegerField(
        _("de minimis period (years)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    declared = models.JSONField(
        _("declared figures"),
        default=dict,
        blank=True,
        help_text=_("Figures as published, to reconcile with what the rules compute."),
    )
    # The SME's own share: when it is due and what happens when it is not paid (programme rules).
    payment_term_days = models.PositiveSmallIntegerField(
        _("payment term (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days between the signature of a quote and the due date of the SME's share."),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("reminder before the due date (days)"),
        default=5,
        validators=[MaxValueValidator(365)],
        help_text=_("0: no reminder before the due date."),
    )
    reminder_days_after = models.PositiveSmallIntegerField(
        _("reminder after the due date (days)"),
        default=7,
        validators=[MaxValueValidator(365)],
        help_text=_("0: no reminder after the due date."),
    )
    lapse_after_days = models.PositiveSmallIntegerField(
        _("commitment lapses after (days overdue)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "Empty: the trajectory waits for the payment. A number: that many days after the due "
            "date an unpaid request lapses and its budget is released."
        ),
    )
    lapse_stops_trajectory = models.BooleanField(
        _("a lapsed payment stops the trajectory"),
        default=False,
        help_text=_("Otherwise the trajectory stays where it is (parked) when its payment lapses."),
    )

    class Meta:
        ordering = ["-start", "code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                name="programme_period_ordered", condition=Q(start__lte=F("end"))
            ),
            models.CheckConstraint(
                name="programme_ceiling_positive", condition=Q(de_minimis_ceiling__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReportingPeriod(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(_("name"), max_length=80)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.CheckConstraint(name="period_ordered", condition=Q(start__lte=F("end")))
        ]

    def __str__(self) -> str:
        return self.name


class ProjectKind(models.TextChoices):
    OPERATION = "operation", _("Operation (communication, platform, coordination, evaluation)")
    GUIDANCE = "guidance", _("Guidance of SMEs (trajectories)")


class ProjectType(BilingualName):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="project_types")
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=ProjectKind.choices)
    rate_version = models.PositiveIntegerField(
        _("rate version"),
        default=1,
        editable=False,
        help_text=_("The version of the rates per source that new commitments use."),
    )
    sources: models.ManyToManyField[FundingSource, SourceRate] = models.ManyToManyField(
        FundingSource, through="SourceRate", related_name="project_types"
    )

    class Meta:
        ordering = ["programme", "number"]
        verbose_name = _("project type")
        verbose_name_plural = _("project types")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="project_type_number_unique"
            )
        ]


class CurrentRates(models.Manager["SourceRate"]):
    """The rates of each project type's current version (``project_type.rates``)."""

    def get_queryset(self) -> models.QuerySet[SourceRate]:
        return super().get_queryset().filter(version=F("project_type__rate_version"))


class SourceRate(models.Model):
    """One source's share of a project type, in one version of its rates.

    Rates never change in place: ``funding.services.set_rates`` adds a new version (checked to add
    up to 100 %) and makes it current. A commitment records the version it was split with, and its
    releases and expenditure are split with the same version, so that nothing committed under
    older rates is ever released or spent at other ones. ``objects`` (and ``project_type.rates``)
    give the current version, ``history`` every version.
    """

    project_type = models.ForeignKey(ProjectType, on_delete=models.CASCADE, related_name="rates")
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="rates")
    rate = models.DecimalField(_("rate"), max_digits=7, decimal_places=6)
    version = models.PositiveIntegerField(_("version"), default=1)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)

    history = models.Manager()
    objects = CurrentRates()

    class Meta:
        ordering = ["source__order"]
        verbose_name = _("rate per source")
        verbose_name_plural = _("rates per source")
        default_manager_name = "objects"
        base_manager_name = "history"
        constraints = [
            models.UniqueConstraint(
                fields=["project_type", "version", "source"], name="rate_source_version_unique"
            ),
            models.CheckConstraint(
                name="rate_between_0_and_1", condition=Q(rate__gte=0, rate__lte=1)
            ),
            models.CheckConstraint(name="rate_version_positive", condition=Q(version__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.project_type} {self.source}: {self.rate} (v{self.version})"


class HubBudget(models.Model):
    """The eligible cost a hub may spend under one project type (all sources together)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budgets")
    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="budgets")
    project_type = models.ForeignKey(ProjectType, on_delete=models.PROTECT, related_name="budgets")
    amount = MoneyField(_("budget (eligible cost)"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["programme", "hub__name", "project_type__number"]
        verbose_name = _("hub budget")
        verbose_name_plural = _("hub budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "hub", "project_type"], name="hub_budget_unique"
            ),
            models.CheckConstraint(name="hub_budget_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.hub} · {self.project_type}"


class EntryKind(models.TextChoices):
    COMMIT = "commit", _("Commitment")
    RELEASE = "release", _("Release")
    SPEND = "spend", _("Expenditure")


class LedgerEntry(models.Model):
    """Immutable. Balances are sums of entries; nothing is ever updated or deleted."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="entries")
    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="ledger_entries")
    project_type = models.ForeignKey(ProjectType, on_delete=models.PROTECT, related_name="entries")
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    amount = MoneyField(_("amount"))
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    document_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document_id = models.CharField(max_length=64, blank=True)
    document_label = models.CharField(_("document"), max_length=200, blank=True)
    booked_on = models.DateField(_("booked on"), default=timezone.localdate)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("why"), max_length=300)
    rate_version = models.PositiveIntegerField(
        _("rate version"),
        default=1,
        help_text=_("The version of the project type's rates this booking was split with."),
    )

    class Meta:
        ordering = ["-booked_on", "-id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["programme", "hub", "project_type", "source", "kind"]),
            models.Index(fields=["booked_on"]),
            models.Index(fields=["document_type", "document_id"]),
            models.Index(fields=["company", "booked_on"]),
        ]
        constraints = [
            models.CheckConstraint(name="ledger_amount_positive", condition=Q(amount__gt=0))
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.source.code} · {self.document_label}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError(
                "Ledger entries are immutable; book a release or a correction instead."
            )
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Ledger entries are immutable.")


class PaymentStatus(models.TextChoices):
    """The SME's share: its steps are in ``digihub.funding.workflow``."""

    REQUESTED = "requested", _("To be paid")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")

    OPEN: ClassVar[PaymentStatus]  # the former name of REQUESTED (set below)


# Before the statuses were named after the issue: the first status was "open".
PaymentStatus.OPEN = PaymentStatus.REQUESTED  # type: ignore[attr-defined]
# Still to be paid (in full or in part): what reminders, matching and the SME's "to do" look at.
OUTSTANDING = (PaymentStatus.REQUESTED, PaymentStatus.PARTLY_PAID, PaymentStatus.OVERDUE)


def validate_iban(value: str) -> None:
    from .payees import check_iban

    check_iban(value)


def validate_bic(value: str) -> None:
    from .payees import check_bic

    check_bic(value)


class Payee(models.Model):
    """The account an SME pays its share to: per programme, per chamber, or per both.

    A payment request takes the payee of its programme and the hub's chamber, else the
    programme's, else the chamber's (``payees.payee_for``)."""

    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payees",
        verbose_name=_("programme"),
    )
    chamber = models.ForeignKey(
        "network.Chamber",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payees",
        verbose_name=_("chamber"),
    )
    name = models.CharField(_("account holder"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])

    class Meta:
        ordering = ["name"]
        verbose_name = _("payee")
        verbose_name_plural = _("payees")
        constraints = [
            models.CheckConstraint(
                name="payee_for_something",
                condition=Q(programme__isnull=False) | Q(chamber__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["programme", "chamber"], name="payee_one_per_programme_chamber"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.iban_display}"

    @property
    def iban_display(self) -> str:
        from .payees import format_iban

        return format_iban(self.iban)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .payees import check_bic, check_iban

        if not self.programme_id and not self.chamber_id:
            raise ValidationError(_("Choose a programme, a chamber or both."))
        errors = {}
        try:
            self.iban = check_iban(self.iban)
        except ValidationError as exc:
            errors["iban"] = exc.messages
        try:
            self.bic = check_bic(self.bic, iban=self.iban if "iban" not in errors else "")
        except ValidationError as exc:
            errors["bic"] = exc.messages
        if errors:
            raise ValidationError(errors)


class PaymentRequest(models.Model):
    """The SME's own share of a signed guidance quote: what, to whom, by when."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="payment_requests"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="payment_requests"
    )
    hub = models.ForeignKey(
        "network.Hub", on_delete=models.PROTECT, related_name="payment_requests"
    )
    payee = models.ForeignKey(
        Payee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_requests",
        verbose_name=_("payee"),
    )
    amount = MoneyField(_("amount"))
    paid_amount = MoneyField(_("received"), default=Decimal("0.00"), db_default=Decimal("0.00"))
    structured_communication = models.CharField(
        _("structured communication"), max_length=12, unique=True
    )
    document_type = models.ForeignKey(
        ContentType, null=True, on_delete=models.PROTECT, related_name="+"
    )
    document_id = models.CharField(max_length=64, blank=True)
    document_label = models.CharField(_("document"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PaymentStatus.choices,
        default=PaymentStatus.REQUESTED,
        db_index=True,
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        indexes = [
            models.Index(fields=["document_type", "document_id"]),
            models.Index(fields=["company", "created_at"]),
            models.Index(fields=["status", "due_date"]),
        ]
        constraints = [
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="payment_received_not_negative", condition=Q(paid_amount__gte=0)
            ),
            models.CheckConstraint(
                name="payment_paid_has_date", condition=~Q(status="paid") | Q(paid_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"+++{self.communication_display}+++"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("funding:payment_detail", args=[self.pk])

    @property
    def communication_display(self) -> str:
        from stdnum.be import ogm_vcs

        return str(ogm_vcs.format(self.structured_communication))

    @property
    def remainder(self) -> Decimal:
        """What is still to be paid (never below zero; an overpayment is ``overpaid``)."""
        return max(self.amount - self.paid_amount, Decimal("0.00"))

    @property
    def overpaid(self) -> Decimal:
        return max(self.paid_amount - self.amount, Decimal("0.00"))


class Receipt(models.Model):
    """Money received for a payment request (a credit on a statement, or recorded by hand).

    Immutable, as the ledger: a receipt is never changed or deleted; a refund is a step of the
    payment request."""

    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="receipts")
    amount = MoneyField(_("amount"))
    received_on = models.DateField(_("received on"))
    entry = models.OneToOneField(
        "StatementEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipt",
        verbose_name=_("statement entry"),
    )
    payer_name = models.CharField(_("paid by"), max_length=140, blank=True)
    payer_iban = models.CharField(_("from account"), max_length=34, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.CheckConstraint(name="receipt_amount_positive", condition=Q(amount__gt=0))
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount} · {self.request_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Receipts are immutable; record a refund or a correction instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Receipts are immutable.")


class StatementState(models.TextChoices):
    RECEIVED = "received", _("Received")
    IMPORTED = "imported", _("Imported")


class BankStatement(models.Model):
    """One uploaded ISO 20022 camt.053 file; the same file (its SHA-256) is imported once."""

    payee = models.ForeignKey(
        Payee, on_delete=models.PROTECT, related_name="statements", verbose_name=_("account")
    )
    sha256 = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    statement_id = models.CharField(_("statement"), max_length=35, blank=True)
    created_on = models.DateField(_("statement date"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=StatementState.choices,
        default=StatementState.RECEIVED,
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    credits = models.PositiveIntegerField(_("credits"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    to_resolve = models.PositiveIntegerField(_("to resolve"), default=0)
    already_known = models.PositiveIntegerField(_("imported before"), default=0)
    total = MoneyField(_("total credited"), default=Decimal("0.00"))

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")

    def __str__(self) -> str:
        return self.statement_id or self.file_name or f"#{self.pk}"


class EntryState(models.TextChoices):
    MATCHED = "matched", _("Matched")
    TO_RESOLVE = "to_resolve", _("To resolve")
    RESOLVED = "resolved", _("Assigned by hand")
    DISMISSED = "dismissed", _("Not a payment request")


class ResolveReason(models.TextChoices):
    UNKNOWN = "unknown", _("No payment request has this communication")
    NO_COMMUNICATION = "no_communication", _("No structured communication")
    DUPLICATE = "duplicate", _("The request was already paid")
    OVERPAID = "overpaid", _("More than what is still due")
    CURRENCY = "currency", _("Not in euro")
    OTHER_ACCOUNT = "other_account", _("Paid to another account than requested")
    CLOSED = "closed", _("The request is cancelled or refunded")


class StatementEntry(models.Model):
    """One credit of a statement: matched to a payment request, or waiting to be resolved."""

    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="entries")
    payee = models.ForeignKey(Payee, on_delete=models.PROTECT, related_name="+")
    account = models.CharField(_("account"), max_length=34)
    reference = models.CharField(_("bank reference"), max_length=100)
    booked_on = models.DateField(_("booked on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    debtor_name = models.CharField(_("paid by"), max_length=140, blank=True)
    debtor_iban = models.CharField(_("from account"), max_length=34, blank=True)
    communication = models.CharField(_("communication"), max_length=140, blank=True)
    structured = models.CharField(_("structured communication"), max_length=12, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=EntryState.choices)
    reason = models.CharField(
        _("why to resolve"), max_length=20, choices=ResolveReason.choices, blank=True
    )
    request = models.ForeignKey(
        PaymentRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_entries",
        verbose_name=_("payment request"),
    )
    suggestion = models.ForeignKey(
        PaymentRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("suggested request"),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-booked_on", "id"]
        verbose_name = _("statement entry")
        verbose_name_plural = _("statement entries")
        indexes = [models.Index(fields=["state", "payee"])]
        constraints = [
            # The same credit, in this file or an overlapping one, is imported once.
            models.UniqueConstraint(
                fields=["account", "reference"], name="statement_entry_once_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.currency} · {self.debtor_name}"


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Before the due date")
    AFTER = "after", _("After the due date")


class ReminderSent(models.Model):
    """One reminder of one kind per payment request: the daily run never sends it twice."""

    request = models.ForeignKey(PaymentRequest, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="reminder_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.request_id}"


class ServiceFunding(models.Model):
    """How a programme funds one kind of EDIH service: a signed quote of a trajectory of that
    service type is booked on this project type (its rates and hub budgets). A service type
    without a row is funded as guidance (the programme's guidance project type)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="service_fundings"
    )
    service_type = models.CharField(_("service type"), max_length=20, choices=ServiceType.choices)
    project_type = models.ForeignKey(
        ProjectType,
        on_delete=models.PROTECT,
        related_name="service_fundings",
        verbose_name=_("project type"),
    )

    class Meta:
        ordering = ["programme", "service_type"]
        verbose_name = _("funding per service type")
        verbose_name_plural = _("funding per service type")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "service_type"], name="service_funding_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.get_service_type_display()} → {self.project_type}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.project_type_id
            and self.programme_id
            and self.project_type.programme_id != self.programme_id
        ):
            raise ValidationError(
                {"project_type": _("Choose a project type of the same programme.")}
            )
