from __future__ import annotations

from decimal import Decimal

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
    REGION = "region", _("Flemish government")
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
    OPEN = "open", _("To be paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentRequest(models.Model):
    """The SME's own share of a signed guidance quote."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="payment_requests"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="payment_requests"
    )
    hub = models.ForeignKey(
        "network.Hub", on_delete=models.PROTECT, related_name="payment_requests"
    )
    amount = MoneyField(_("amount"))
    structured_communication = models.CharField(
        _("structured communication"), max_length=12, unique=True
    )
    document_type = models.ForeignKey(
        ContentType, null=True, on_delete=models.PROTECT, related_name="+"
    )
    document_id = models.CharField(max_length=64, blank=True)
    document_label = models.CharField(_("document"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.OPEN
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        indexes = [
            models.Index(fields=["document_type", "document_id"]),
            models.Index(fields=["company", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="payment_paid_has_date", condition=~Q(status="paid") | Q(paid_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"+++{self.communication_display}+++"

    @property
    def communication_display(self) -> str:
        from stdnum.be import ogm_vcs

        return str(ogm_vcs.format(self.structured_communication))

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
