from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PartnerSide(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Knowledge partner")
    COMMERCIAL = "commercial", _("Commercial partner")


class Recommendation(models.Model):
    """A ranking of partners shown for a question, and the choice made after it.

    Written when the ranking is shown on the question page (``shown_at``) and completed by the
    question's decision steps (``chosen_*``); a decision taken without the page (API, import)
    gets the ranking as it stood at that moment, with ``shown_at`` empty. Together they tell how
    often the advisor's choice was among the first recommendations (``evaluate_matching``)."""

    question = models.ForeignKey(
        "intake.Question", on_delete=models.CASCADE, related_name="recommendations"
    )
    side = models.CharField(max_length=12, choices=PartnerSide.choices)
    # [{"partner": id, "score": 71.5, "conflict": false}, ...] best first.
    ranking = models.JSONField(default=list)
    method = models.CharField(max_length=20, blank=True)  # the text method used
    shown_at = models.DateTimeField(null=True, blank=True)
    shown_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    chosen_partner_id = models.PositiveIntegerField(null=True, blank=True)
    chosen_rank = models.PositiveIntegerField(null=True, blank=True)  # 1 = first; None: not listed
    chosen_at = models.DateTimeField(null=True, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        indexes = [models.Index(fields=["question", "side", "chosen_at"])]

    def __str__(self) -> str:
        return f"{self.question_id} {self.side} {self.created_at:%Y-%m-%d}"


class RelationKind(models.TextChoices):
    DIRECTOR = "director", _("shared director")
    SHAREHOLDER = "shareholder", _("shareholder")
    STAFF = "staff", _("staff member")


class DeclaredBy(models.TextChoices):
    PARTNER = "partner", _("the partner")
    CHAMBER = "chamber", _("the chamber")
    COMPANY = "company", _("the company")


class Relation(models.Model):
    """A declared tie between a partner and a company (conflict of interest).

    Declared by either side: the partner's staff, the chamber or the company. The company is
    named by its enterprise number, so a partner can declare a tie without learning whether the
    company is known to the platform. A declaration is withdrawn, never deleted."""

    enterprise_number = models.CharField(_("enterprise number"), max_length=10, db_index=True)
    knowledge_partner = models.ForeignKey(
        "network.KnowledgePartner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="declared_relations",
        verbose_name=_("knowledge partner"),
    )
    commercial_partner = models.ForeignKey(
        "network.CommercialPartner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="declared_relations",
        verbose_name=_("commercial partner"),
    )
    kind = models.CharField(_("relation"), max_length=12, choices=RelationKind.choices)
    description = models.CharField(_("details"), max_length=300, blank=True)
    declared_side = models.CharField(max_length=8, choices=DeclaredBy.choices)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(default=timezone.now)
    # The chamber that runs the company when the declaration was made (for its advisors' view).
    chamber = models.ForeignKey(
        "network.Chamber", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-declared_at", "-id"]
        verbose_name = _("declared relation")
        verbose_name_plural = _("declared relations")
        constraints = [
            models.CheckConstraint(
                name="relation_one_partner",
                condition=(
                    Q(knowledge_partner__isnull=False, commercial_partner__isnull=True)
                    | Q(knowledge_partner__isnull=True, commercial_partner__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="relation_enterprise_number_digits",
                condition=Q(enterprise_number__regex=r"^[01][0-9]{9}$"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} – {self.enterprise_number} ({self.get_kind_display()})"

    @property
    def partner(self) -> object:
        return self.knowledge_partner or self.commercial_partner

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class PartnerRecord(models.Model):
    """A knowledge partner's track record, aggregated by the database (``history.refresh``).

    Read by every ranking instead of aggregating a million trajectories per request; refreshed
    in the background when older than ``DIGIHUB_MATCHING_RECORD_SECONDS`` and by
    ``manage.py refresh_matching``. Current load is never taken from here: it is counted live."""

    partner = models.OneToOneField(
        "network.KnowledgePartner", on_delete=models.CASCADE, related_name="record"
    )
    completed = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    signed = models.PositiveIntegerField(default=0)
    median_quote_days = models.FloatField(null=True, blank=True)
    surveys = models.PositiveIntegerField(default=0)
    satisfaction = models.FloatField(null=True, blank=True)
    # {"25": [4, "C"]}: distinct companies guided per NACE division (with its section letter).
    sectors = models.JSONField(default=dict)
    # {"<theme id>": n}: completed trajectories per theme.
    themes = models.JSONField(default=dict)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("partner track record")
        verbose_name_plural = _("partner track records")

    def __str__(self) -> str:
        return f"{self.partner_id} @ {self.refreshed_at:%Y-%m-%d %H:%M}"
