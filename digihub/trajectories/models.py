from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digihub.core.money import MoneyField
from digihub.network.models import ServiceType


class Phase(models.TextChoices):
    """The four categories the hubs report on (seed 000, 1a), plus stopped."""

    STARTUP = "startup", _("Start-up")
    QUOTE = "quote", _("Quote phase")
    EXECUTION = "execution", _("Quote signed, in execution")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


OPEN_PHASES = (Phase.STARTUP, Phase.QUOTE, Phase.EXECUTION)


class Trajectory(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="trajectories",
        verbose_name=_("company"),
    )
    hub = models.ForeignKey(
        "network.Hub", on_delete=models.PROTECT, related_name="trajectories", verbose_name=_("hub")
    )
    chamber = models.ForeignKey(
        "network.Chamber",
        on_delete=models.PROTECT,
        related_name="trajectories",
        verbose_name=_("chamber"),
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="trajectories",
        verbose_name=_("advisor (SPOC)"),
    )
    partner = models.ForeignKey(
        "network.KnowledgePartner",
        on_delete=models.PROTECT,
        related_name="trajectories",
        verbose_name=_("knowledge partner"),
    )
    question = models.ForeignKey(
        "intake.Question",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trajectories",
        verbose_name=_("question"),
    )
    themes = models.ManyToManyField(
        "network.Theme", blank=True, related_name="trajectories", verbose_name=_("themes")
    )
    concrete_questions = models.TextField(_("concrete questions"), blank=True)
    # Changed only by the steps of ``workflow`` (fired through digihub.core.workflow.fire).
    phase = models.CharField(
        _("phase"), max_length=12, choices=Phase.choices, default=Phase.STARTUP, db_index=True
    )
    phase_changed_at = models.DateTimeField(_("phase since"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    quote_signed_at = models.DateTimeField(_("quote signed"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    # The EDIH service this trajectory delivers (chosen at the decision) and, when the support
    # led to one, the investment it helped the customer find (KPI "investment facilitated").
    service_type = models.CharField(
        _("service type"),
        max_length=20,
        choices=ServiceType.choices,
        default=ServiceType.TEST_BEFORE_INVEST,
        db_index=True,
    )
    investment_facilitated = MoneyField(
        _("investment facilitated"),
        null=True,
        blank=True,
        help_text=_("Optional: the investment the customer found or made thanks to the support."),
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        indexes = [
            models.Index(fields=["chamber", "phase", "phase_changed_at"]),
            # The advisor's workspace: open trajectories of the chamber, longest unmoved first.
            models.Index(
                fields=["chamber", "phase_changed_at"],
                condition=Q(phase__in=["startup", "quote", "execution"]),
                name="trajectory_open_by_chamber",
            ),
            models.Index(fields=["partner", "phase", "phase_changed_at"]),
            models.Index(fields=["hub", "phase"]),
            models.Index(fields=["company", "phase"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="trajectory_stopped_has_reason",
                condition=~Q(phase="stopped") | ~Q(stop_reason=""),
            ),
            models.CheckConstraint(
                name="trajectory_completed_has_date",
                condition=~Q(phase="completed") | Q(completed_at__isnull=False),
            ),
            models.CheckConstraint(
                name="trajectory_investment_not_negative",
                condition=Q(investment_facilitated__gte=0) | Q(investment_facilitated__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("trajectories:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.phase in OPEN_PHASES


class PhaseSpan(models.Model):
    """One stay of a trajectory in one phase: the trajectory was in ``phase`` from
    ``entered_at`` until ``left_at`` (open while current). Any past date's picture follows."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="spans")
    phase = models.CharField(max_length=12, choices=Phase.choices)
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("phase period")
        verbose_name_plural = _("phase periods")
        indexes = [
            models.Index(fields=["phase", "entered_at", "left_at"]),
            models.Index(fields=["trajectory", "entered_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="span_ordered",
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("entered_at")),
            ),
            models.UniqueConstraint(
                fields=["trajectory"], condition=Q(left_at__isnull=True), name="one_current_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trajectory_id} {self.phase} {self.entered_at:%Y-%m-%d}"


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued to the SME")
    SIGNED = "signed", _("Signed")
    SUPERSEDED = "superseded", _("Replaced by a newer version")


class Quote(models.Model):
    """One version of the partner's quote. A revision is a new version; a signed one never changes."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="quotes")
    number = models.PositiveSmallIntegerField(_("version"))
    scope = models.TextField(_("scope"))
    methodology = models.TextField(_("methodology"), blank=True)
    valid_until = models.DateField(_("valid until"))
    total = MoneyField(_("total excluding VAT"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    pdf = models.FileField(upload_to="quotes/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_by_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_copy = models.FileField(upload_to="quotes/signed/%Y/", blank=True)

    class Meta:
        ordering = ["trajectory", "-number"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "number"], name="quote_version_unique"),
            models.UniqueConstraint(
                fields=["trajectory"], condition=Q(status="signed"), name="one_signed_quote"
            ),
            models.CheckConstraint(name="quote_total_not_negative", condition=Q(total__gte=0)),
            models.CheckConstraint(
                name="quote_signed_has_time",
                condition=~Q(status="signed") | Q(signed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trajectory.reference} · {_('quote')} v{self.number}"

    @property
    def service_type(self) -> str:
        """The funding engine funds a signed quote by its trajectory's service type."""
        return self.trajectory.service_type


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("description"), max_length=300)
    days = models.DecimalField(
        _("days"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    day_rate = MoneyField(_("day rate"))
    amount = MoneyField(_("amount"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        constraints = [
            models.CheckConstraint(name="line_days_positive", condition=Q(days__gt=0)),
            models.CheckConstraint(name="line_rate_positive", condition=Q(day_rate__gt=0)),
        ]

    def __str__(self) -> str:
        return self.description


class Place(models.TextChoices):
    LAB = "lab", _("In the lab")
    COMPANY = "company", _("At the company")
    ONLINE = "online", _("Online")


class SessionKind(models.TextChoices):
    TEST_DAY = "test_day", _("Test day")
    SESSION = "session", _("Session")


class Session(models.Model):
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(
        _("kind"), max_length=10, choices=SessionKind.choices, default=SessionKind.SESSION
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=8, choices=Place.choices, default=Place.LAB)
    location = models.CharField(_("address or link"), max_length=300, blank=True)
    participants = models.CharField(_("participants"), max_length=500, blank=True)
    # How many people attended (a training session of the "skills and training" service).
    attendees = models.PositiveIntegerField(
        _("attendees"), null=True, blank=True, validators=[MaxValueValidator(100000)]
    )
    agenda = models.TextField(_("agenda"), blank=True)
    outcome = models.TextField(_("outcome notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("test day or session")
        verbose_name_plural = _("test days and sessions")
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                name="session_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            )
        ]

    def __str__(self) -> str:
        return self.title


class AdviceKind(models.TextChoices):
    ACTION_PLAN = "action_plan", _("Action plan")
    REPORT = "report", _("Advice report")


class Advice(models.Model):
    trajectory = models.OneToOneField(Trajectory, on_delete=models.CASCADE, related_name="advice")
    kind = models.CharField(
        _("kind"), max_length=12, choices=AdviceKind.choices, default=AdviceKind.ACTION_PLAN
    )
    delivered_on = models.DateField(_("delivered on"))
    summary = models.TextField(_("the advice"))
    file = models.FileField(upload_to="advice/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("delivered advice")
        verbose_name_plural = _("delivered advice")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.delivered_on}"


class Survey(models.Model):
    trajectory = models.OneToOneField(Trajectory, on_delete=models.CASCADE, related_name="survey")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.CheckConstraint(name="survey_score_1_5", condition=Q(score__gte=1, score__lte=5))
        ]

    def __str__(self) -> str:
        return f"{self.trajectory_id}: {self.score}/5"
