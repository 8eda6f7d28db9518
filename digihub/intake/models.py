from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_SME = "waiting_sme", _("Waiting on the SME")
    AWAITING_VALIDATION = "awaiting_validation", _("Partner choice awaiting validation")
    DECIDED = "decided", _("Decided")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING_SME, Status.AWAITING_VALIDATION)


class Channel(models.TextChoices):
    PUBLIC_FORM = "public", _("Public form")
    ADVISOR = "advisor", _("Registered by an advisor")
    PARTNER = "partner", _("Passed on by a knowledge partner")


class Decision(models.TextChoices):
    TRAJECTORY = "trajectory", _("Trajectory with a knowledge partner")
    NO_TRAJECTORY = "no_trajectory", _("No trajectory: other route")
    INFO_ONLY = "info_only", _("Closed as information only")


class Route(models.TextChoices):
    """What the advisor did when no trajectory starts (seed 000, answer 1d)."""

    COMMERCIAL_PARTNER = "commercial_partner", _("Introduction to a commercial partner")
    PROGRAMME_PRODUCT = "programme_product", _("Other product of the entrepreneurship programme")
    CHAMBER_PRODUCT = "chamber_product", _("Commercial product of the chamber")
    AGENCY_REFERRAL = (
        "agency_referral",
        _("Referral within the funding agency's network and instruments"),
    )


class Validation(models.TextChoices):
    NONE = "", _("Not asked")
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Question(models.Model):
    """An info- or advice question (info- & adviesvraag): the unit of reach."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("company"),
    )
    chamber = models.ForeignKey(
        "network.Chamber",
        null=True,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("chamber"),
    )
    hub = models.ForeignKey(
        "network.Hub",
        null=True,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("hub"),
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now, db_index=True)
    contact = models.ForeignKey(
        "companies.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
        verbose_name=_("contact"),
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PUBLIC_FORM
    )
    channel_detail = models.CharField(_("how it came in"), max_length=100, blank=True)
    passed_on_by = models.ForeignKey(
        "network.KnowledgePartner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="passed_on_questions",
        verbose_name=_("passed on by"),
    )
    text = models.TextField(_("the question"))
    themes = models.ManyToManyField(
        "network.Theme", blank=True, related_name="questions", verbose_name=_("themes")
    )
    consent_at = models.DateTimeField(_("consent to data processing"), null=True, blank=True)
    # Whether this question brought the company into the platform. Passing on a question about a
    # company that was already known grants the partner nothing of that company.
    company_is_new = models.BooleanField(default=False, editable=False)
    # Changed only by the steps of ``workflow`` (fired through digihub.core.workflow.fire).
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.NEW
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("advisor (SPOC)"),
    )
    outside_target_group = models.BooleanField(_("outside the SME target group"), default=False)
    target_group_allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(_("last action"), default=timezone.now, db_index=True)
    first_conversation_on = models.DateField(_("first conversation"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    route = models.CharField(_("route"), max_length=20, choices=Route.choices, blank=True)
    commercial_partner = models.ForeignKey(
        "network.CommercialPartner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("commercial partner"),
    )
    chosen_partner = models.ForeignKey(
        "network.KnowledgePartner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chosen_for_questions",
        verbose_name=_("chosen knowledge partner"),
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    # The EDIH service the trajectory will deliver (digihub.network.models.ServiceType).
    chosen_service_type = models.CharField(
        _("service"), max_length=20, default="test_before_invest", blank=True
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    validation = models.CharField(
        _("validation by the funding agency"), max_length=10, choices=Validation.choices, blank=True
    )
    validation_comment = models.TextField(_("validation comment"), blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    submission_token = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        ordering = ["-registered_at"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["chamber", "status", "last_activity_at"]),
            models.Index(fields=["advisor", "status"]),
            models.Index(fields=["hub", "registered_at"]),
            models.Index(fields=["chamber", "registered_at"]),
            models.Index(fields=["decision", "route", "decided_at"]),
            # The coordinator's to-do counts these on every page; a handful among 1.3 M questions.
            models.Index(
                fields=["status"],
                name="question_exception_waiting",
                condition=Q(outside_target_group=True, target_group_allowed_by__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="question_route_only_without_trajectory",
                condition=Q(route="") | Q(decision="no_trajectory"),
            ),
            models.CheckConstraint(
                name="question_decided_has_decision",
                condition=~Q(status="decided") | ~Q(decision=""),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def may_start_trajectory(self) -> bool:
        return not self.outside_target_group or self.target_group_allowed_by_id is not None


class QuestionTransition(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=24, choices=Status.choices)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    reason = models.TextField(blank=True)
    # The decision standing after this change (so reports can read any past date).
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["to_status", "at"])]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.question}: {self.from_status} → {self.to_status}"


class ContactKind(models.TextChoices):
    EXPLORATORY = "exploratory", _("Exploratory conversation")
    FOLLOW_UP = "follow_up", _("Follow-up contact")


class Conversation(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="conversations")
    kind = models.CharField(
        _("kind"), max_length=12, choices=ContactKind.choices, default=ContactKind.EXPLORATORY
    )
    held_on = models.DateField(_("date"))
    participants = models.CharField(_("who took part"), max_length=300)
    current_situation = models.TextField(_("current situation"), blank=True)
    desired_situation = models.TextField(_("desired future situation"), blank=True)
    concrete_questions = models.TextField(_("concrete questions"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [models.Index(fields=["kind", "held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class Shared(models.TextChoices):
    """Who besides the chamber may open a file (an allow-list: files are internal by default)."""

    INTERNAL = "internal", _("Only the chamber and the funding agency")
    PARTNER = "partner", _("Also the knowledge partner")
    SME = "sme", _("Also the SME")


class Attachment(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="attachments")
    shared_with = models.CharField(
        _("shared with"), max_length=10, choices=Shared.choices, default=Shared.INTERNAL
    )
    file = models.FileField(upload_to="questions/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
