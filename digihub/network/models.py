from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from digihub.core.i18n import BilingualName


class Region(models.TextChoices):
    FLANDERS = "VLG", _("Flanders")
    BRUSSELS = "BRU", _("Brussels-Capital Region")
    WALLONIA = "WAL", _("Wallonia")


class ServiceType(models.TextChoices):
    """The four kinds of service a European Digital Innovation Hub offers (stable codes).

    Here, so that every context (intake's decision, trajectories, funding rules, reports) can
    name them without importing a later one."""

    TEST_BEFORE_INVEST = "test_before_invest", _("Test before invest")
    SKILLS = "skills", _("Skills and training")
    INVESTMENT = "investment", _("Support to find investment")
    ECOSYSTEM = "ecosystem", _("Innovation ecosystem and networking")


class Province(BilingualName):
    code = models.CharField(_("code"), max_length=8, unique=True)
    region = models.CharField(_("region"), max_length=3, choices=Region.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Theme(BilingualName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class Chamber(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, unique=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("chamber")
        verbose_name_plural = _("chambers")

    def __str__(self) -> str:
        return self.short_name


class PartnerKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    UNIVERSITY_COLLEGE = "college", _("University college")
    RESEARCH_CENTRE = "research", _("Research centre")
    SECTOR_CENTRE = "sector", _("Sector centre")
    OTHER = "other", _("Other")


class KnowledgePartner(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="partners", verbose_name=_("expertise themes")
    )
    expertise = models.TextField(_("expertise"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
        help_text=_("How many trajectories the partner can run at the same time."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["name"]
        verbose_name = _("knowledge partner")
        verbose_name_plural = _("knowledge partners")
        constraints = [
            models.CheckConstraint(name="partner_capacity_positive", condition=Q(capacity__gte=1))
        ]

    def __str__(self) -> str:
        return self.short_name


class PartnerContact(models.Model):
    partner = models.ForeignKey(KnowledgePartner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    function = models.CharField(_("function"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")

    def __str__(self) -> str:
        return self.name


class CommercialPartner(models.Model):
    """A private supplier an advisor can introduce an SME to when no trajectory starts."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="commercial_partners", verbose_name=_("themes")
    )
    chamber = models.ForeignKey(
        Chamber,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commercial_partners",
        verbose_name=_("chamber"),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["name"]
        verbose_name = _("commercial partner")
        verbose_name_plural = _("commercial partners")

    def __str__(self) -> str:
        return self.name


class Hub(models.Model):
    """One digihub per province, run by a chamber with a consortium of knowledge partners."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    province = models.OneToOneField(
        Province, on_delete=models.PROTECT, related_name="hub", verbose_name=_("province")
    )
    chamber = models.ForeignKey(
        Chamber, on_delete=models.PROTECT, related_name="hubs", verbose_name=_("lead chamber")
    )
    partners = models.ManyToManyField(
        KnowledgePartner, blank=True, related_name="hubs", verbose_name=_("consortium")
    )
    history = HistoricalRecords(m2m_fields=[partners])

    class Meta:
        ordering = ["name"]
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")

    def __str__(self) -> str:
        return self.name


class PostcodeArea(models.Model):
    """A range of Belgian postcodes and where questions from there are routed."""

    start = models.PositiveIntegerField(
        _("from postcode"), validators=[MinValueValidator(1000), MaxValueValidator(9999)]
    )
    end = models.PositiveIntegerField(
        _("to postcode"), validators=[MinValueValidator(1000), MaxValueValidator(9999)]
    )
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="postcode_areas")
    chamber = models.ForeignKey(
        Chamber, null=True, blank=True, on_delete=models.PROTECT, related_name="postcode_areas"
    )
    hub = models.ForeignKey(
        Hub, null=True, blank=True, on_delete=models.PROTECT, related_name="postcode_areas"
    )

    class Meta:
        ordering = ["start"]
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")
        constraints = [
            models.CheckConstraint(name="postcode_area_ordered", condition=Q(start__lte=F("end"))),
            models.CheckConstraint(
                name="postcode_area_belgian", condition=Q(start__gte=1000, end__lte=9999)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"
