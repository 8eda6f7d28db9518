"""Digital maturity assessments: versioned questionnaires (as data) and the assessments (T0, T1)
a customer fills in, with the scores kept per dimension so hubs can aggregate them in the
database."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Variant(models.TextChoices):
    SME = "sme", _("SMEs and mid-caps")
    PUBLIC = "public", _("Public sector")


class Skipped(models.TextChoices):
    """What a skipped optional question does to its dimension's score (the dimension's rule)."""

    EXCLUDE = "exclude", _("Left out: the score is the share of the other questions' points")
    ZERO = "zero", _("Counted as zero points")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One answer")
    MULTIPLE = "multiple", _("Several answers")


class Questionnaire(models.Model):
    """One version of a DMA variant. A version in use is never changed: a new one is made."""

    code = models.SlugField(_("code"), max_length=40)
    variant = models.CharField(_("variant"), max_length=8, choices=Variant.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    active = models.BooleanField(
        _("in use"), default=True, help_text=_("New assessments use the latest active version.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["variant", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="questionnaire_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Dimension(models.Model):
    """One of the six dimensions, scored 0–100: the share of the points its questions could
    reach. ``skipped`` is its rule for an optional question left unanswered."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    skipped = models.CharField(
        _("a skipped optional question"),
        max_length=8,
        choices=Skipped.choices,
        default=Skipped.EXCLUDE,
    )

    class Meta:
        ordering = ["questionnaire", "order"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="dimension_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("question"), max_length=300)
    help = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    optional = models.BooleanField(_("optional"), default=False)
    max_points = models.PositiveSmallIntegerField(
        _("maximum points"),
        validators=[MinValueValidator(1)],
        help_text=_("The points of the chosen options count up to this maximum."),
    )

    class Meta:
        ordering = ["dimension", "order"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="question_code_unique"),
            models.CheckConstraint(
                name="question_max_points_positive", condition=Q(max_points__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return self.text


class AnswerOption(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("answer"), max_length=300)
    points = models.PositiveSmallIntegerField(_("points"), validators=[MaxValueValidator(1000)])

    class Meta:
        ordering = ["question", "order"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_code_unique")
        ]

    def __str__(self) -> str:
        return self.text


class Moment(models.TextChoices):
    T0 = "t0", _("T0 (before support)")
    T1 = "t1", _("T1 (after support)")


class Status(models.TextChoices):
    """Changed only by the steps of ``workflow`` (fired through digihub.core.workflow.fire)."""

    SCHEDULED = "scheduled", _("Scheduled")
    INVITED = "invited", _("Invited")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.SCHEDULED, Status.INVITED, Status.IN_PROGRESS)


class FilledBy(models.TextChoices):
    CUSTOMER = "customer", _("The customer, through a link")
    ADVISOR = "advisor", _("The advisor, in the exploratory conversation")


class Band(models.TextChoices):
    BASIC = "basic", _("Basic")
    AVERAGE = "average", _("Average")
    MODERATE = "moderate", _("Moderately advanced")
    ADVANCED = "advanced", _("Advanced")


def _nonce() -> str:
    return secrets.token_urlsafe(12)


class Assessment(models.Model):
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("company"),
    )
    hub = models.ForeignKey(
        "network.Hub", null=True, on_delete=models.PROTECT, related_name="assessments"
    )
    chamber = models.ForeignKey(
        "network.Chamber", null=True, on_delete=models.PROTECT, related_name="assessments"
    )
    trajectory = models.ForeignKey(
        "trajectories.Trajectory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("trajectory"),
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="assessments"
    )
    moment = models.CharField(_("moment"), max_length=2, choices=Moment.choices)
    # Changed only by the steps of ``workflow``.
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.INVITED, db_index=True
    )
    filled_by = models.CharField(
        _("filled in by"), max_length=8, choices=FilledBy.choices, default=FilledBy.CUSTOMER
    )
    respondent = models.ForeignKey(
        "companies.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
        verbose_name=_("respondent"),
    )
    baseline = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        verbose_name=_("compared with (T0)"),
    )
    due_on = models.DateField(_("requested on"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("link sent"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminder_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    overall = models.DecimalField(
        _("overall score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    band = models.CharField(_("maturity level"), max_length=8, choices=Band.choices, blank=True)
    # Part of every link's signature: a new nonce makes the links sent so far invalid.
    link_nonce = models.CharField(max_length=24, default=_nonce, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("maturity assessment")
        verbose_name_plural = _("maturity assessments")
        indexes = [
            models.Index(fields=["company", "moment", "status"]),
            models.Index(fields=["hub", "moment", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "moment"],
                condition=Q(trajectory__isnull=False) & ~Q(status="cancelled"),
                name="one_assessment_per_trajectory_moment",
            ),
            models.CheckConstraint(
                name="assessment_submitted_has_score",
                condition=~Q(status="submitted")
                | Q(overall__isnull=False, submitted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="assessment_overall_0_100",
                condition=Q(overall__isnull=True) | Q(overall__gte=0, overall__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_moment_display()} · {self.company}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Answer(models.Model):
    """The answer to one question: the chosen options, or ``skipped`` (optional questions)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    options = models.ManyToManyField(AnswerOption, blank=True, related_name="answers")
    skipped = models.BooleanField(_("skipped"), default=False)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.question_id}"


class DimensionScore(models.Model):
    """A submitted assessment's score on one dimension (0–100). ``code`` is the dimension's
    code, so that scores of different questionnaire versions compare per dimension."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="scores")
    code = models.SlugField(max_length=40, db_index=True)
    order = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["assessment", "order"]
        verbose_name = _("dimension score")
        verbose_name_plural = _("dimension scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "dimension"], name="score_unique"),
            models.CheckConstraint(
                name="dimension_score_0_100", condition=Q(score__gte=0, score__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.score}"
