from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from digihub.network.models import Chamber, Hub, Province, Theme

from .sme import SME_CLASSES, SizeClass
from .validators import format_enterprise_number, validate_enterprise_number

MAX_EMPLOYEES = 1_000_000
MAX_EURO = 10**12


class LegalForm(models.TextChoices):
    BV = "BV", _("Private limited company (BV)")
    NV = "NV", _("Public limited company (NV)")
    CV = "CV", _("Cooperative company (CV)")
    VOF = "VOF", _("General partnership (VOF)")
    COMMV = "CommV", _("Limited partnership (CommV)")
    VZW = "VZW", _("Non-profit association (VZW)")
    SOLE = "EZ", _("Sole proprietorship")
    # Public-sector bodies (KBO/BCE legal forms of local and regional government).
    MUNICIPALITY = "GEM", _("Municipality")
    OCMW = "OCMW", _("Public centre for social welfare (OCMW/CPAS)")
    PROVINCE = "PROV", _("Province")
    INTERMUNICIPAL = "IC", _("Intermunicipal association")
    PUBLIC_BODY = "PUB", _("Other public body")
    OTHER = "other", _("Other")


class CustomerKind(models.TextChoices):
    """Whom a hub serves, counted separately in the KPIs (stable codes)."""

    SME = "sme", _("SME")
    MIDCAP = "midcap", _("Mid-cap")
    LARGE = "large", _("Large enterprise")
    PUBLIC = "public", _("Public-sector organisation")
    UNKNOWN = "unknown", _("Unknown (size not known)")


class CustomerRule(models.Model):
    """One rule of "which kind of customer is this": the first rule (by ``order``) whose
    conditions all hold decides. Rules are data (admin), so a hub abroad can add its legal forms
    or a mid-cap ceiling of its own. An empty condition always holds."""

    order = models.PositiveSmallIntegerField(_("order"), default=100)
    kind = models.CharField(_("customer kind"), max_length=8, choices=CustomerKind.choices)
    legal_form = models.CharField(
        _("legal form"), max_length=8, choices=LegalForm.choices, blank=True
    )
    size_classes = models.CharField(
        _("EU size classes"),
        max_length=60,
        blank=True,
        help_text=_("Comma-separated codes, e.g. micro,small,medium; empty: any."),
    )
    max_employees = models.PositiveIntegerField(
        _("employees below"),
        null=True,
        blank=True,
        help_text=_("Holds when the company has fewer employees than this; empty: any."),
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("customer rule")
        verbose_name_plural = _("customer rules")

    def __str__(self) -> str:
        return f"{self.order}: {self.get_kind_display()}"

    def holds(self, legal_form: str, size_class: str, employees: int | None) -> bool:
        if self.legal_form and legal_form != self.legal_form:
            return False
        classes = {c.strip() for c in self.size_classes.split(",") if c.strip()}
        if classes and size_class not in classes:
            return False
        below = self.max_employees
        return below is None or (employees is not None and employees < below)

    def condition(self) -> Q:
        """``holds`` as a database condition on companies, so a change of rules reclassifies
        every company in one statement."""
        condition = Q()
        if self.legal_form:
            condition &= Q(legal_form=self.legal_form)
        classes = [c.strip() for c in self.size_classes.split(",") if c.strip()]
        if classes:
            condition &= Q(size_class__in=classes)
        if self.max_employees is not None:
            condition &= Q(employees__lt=self.max_employees)
        return condition or Q(pk__isnull=False)  # a rule without conditions holds for all


class Company(models.Model):
    enterprise_number = models.CharField(
        _("enterprise number"),
        max_length=10,
        unique=True,
        validators=[validate_enterprise_number],
        help_text=_("Ten digits, starting with 0 or 1; stored without dots."),
    )
    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(
        _("legal form"), max_length=8, choices=LegalForm.choices, default=LegalForm.BV
    )
    nace_main = models.CharField(
        _("main NACE code"), max_length=7, blank=True, help_text=_("For example 62.010 or 25.620.")
    )
    nace_section = models.CharField(
        _("NACE section"), max_length=1, blank=True, db_index=True, editable=False
    )
    nace_other = models.CharField(_("other NACE codes"), max_length=200, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4)
    city = models.CharField(_("municipality"), max_length=100)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="companies", editable=False
    )
    chamber = models.ForeignKey(
        Chamber, null=True, on_delete=models.PROTECT, related_name="companies", editable=False
    )
    hub = models.ForeignKey(
        Hub, null=True, on_delete=models.PROTECT, related_name="companies", editable=False
    )
    employees = models.PositiveIntegerField(
        _("employees (FTE)"), null=True, blank=True, validators=[MaxValueValidator(MAX_EMPLOYEES)]
    )
    turnover = models.DecimalField(
        _("annual turnover (EUR)"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_EURO)],
    )
    balance_total = models.DecimalField(
        _("balance-sheet total (EUR)"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_EURO)],
    )
    size_class = models.CharField(
        _("EU size class"),
        max_length=8,
        choices=SizeClass.choices,
        default=SizeClass.UNKNOWN,
        editable=False,
        db_index=True,
    )
    customer_kind = models.CharField(
        _("customer kind"),
        max_length=8,
        choices=CustomerKind.choices,
        default=CustomerKind.UNKNOWN,
        editable=False,
        db_index=True,
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="companies", verbose_name=_("interests")
    )
    website = models.URLField(_("website"), blank=True)
    # Where each value came from: {field: {"source": "kbo" | "entered", "value": …, "on": date,
    # "extract": number}}; kept by digihub.registry.provenance on every save.
    provenance = models.JSONField(
        _("sources of the data"), default=dict, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [
            models.Index(fields=["chamber", "name"]),
            models.Index(fields=["hub", "name"]),
            models.Index(fields=["province", "size_class"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="company_turnover_not_negative",
                condition=Q(turnover__gte=0) | Q(turnover__isnull=True),
            ),
            models.CheckConstraint(
                name="company_balance_not_negative",
                condition=Q(balance_total__gte=0) | Q(balance_total__isnull=True),
            ),
            models.CheckConstraint(
                name="company_employees_bounded",
                condition=Q(employees__lte=MAX_EMPLOYEES) | Q(employees__isnull=True),
            ),
            models.CheckConstraint(
                name="company_enterprise_number_digits",
                condition=Q(enterprise_number__regex=r"^[01][0-9]{9}$"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def enterprise_number_display(self) -> str:
        return format_enterprise_number(self.enterprise_number)

    @property
    def is_sme(self) -> bool:
        return self.size_class in SME_CLASSES


class Contact(models.Model):
    """A person at a company. Personal data: exported and erased (anonymised) on request."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("company")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    function = models.CharField(_("function"), max_length=100, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the e-mails this person receives; empty: the platform's."),
    )
    consent_at = models.DateTimeField(_("consent given on"), null=True, blank=True)
    # Proof that this person speaks for the company: the chamber confirmed them (after the
    # exploratory conversation) or a confirmed user of the company invited them. A contact typed
    # into a form is only a name to call back; only a confirmed one may become a user.
    confirmed_at = models.DateTimeField(
        _("confirmed as representative"), null=True, blank=True, editable=False
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("confirmed by"),
    )
    erased_at = models.DateTimeField(_("erased on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None and self.erased_at is None
