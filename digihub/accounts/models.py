from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import NETWORK_WIDE_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """One person, one role, one organisation (the role says which kind)."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SME)
    chamber = models.ForeignKey(
        "network.Chamber",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("chamber"),
    )
    partner = models.ForeignKey(
        "network.KnowledgePartner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("knowledge partner"),
    )
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("company"),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language of the pages and e-mails this person sees; the language switch sets "
            "it. Empty: the platform's."
        ),
    )
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("Made by the demo command; exempt from the second factor."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_organisation",
                condition=(
                    Q(
                        role=Role.ADVISOR,
                        chamber__isnull=False,
                        partner__isnull=True,
                        company__isnull=True,
                    )
                    | Q(
                        role=Role.PARTNER,
                        partner__isnull=False,
                        chamber__isnull=True,
                        company__isnull=True,
                    )
                    | Q(role=Role.SME, chamber__isnull=True, partner__isnull=True)
                    | Q(
                        role__in=[Role.OFFICER, Role.COORDINATOR, Role.ADMIN],
                        chamber__isnull=True,
                        partner__isnull=True,
                        company__isnull=True,
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        errors = role_organisation_errors(
            self.role, self.chamber_id, self.partner_id, self.company_id
        )
        if errors:
            raise ValidationError(errors)

    @property
    def is_network_wide(self) -> bool:
        return self.role in NETWORK_WIDE_ROLES

    @property
    def is_advisor(self) -> bool:
        return self.role == Role.ADVISOR

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_sme(self) -> bool:
        return self.role == Role.SME

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def is_coordinator(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.ADMIN)


def role_organisation_errors(
    role: str, chamber: object, partner: object, company: object
) -> dict[str, str]:
    """What is wrong with this combination of role and organisation (the database constraint
    ``user_role_organisation`` in words), by field; empty when it is right."""
    messages: dict[str, Any] = {
        Role.ADVISOR: _("An advisor belongs to a chamber, and to no knowledge partner or company."),
        Role.PARTNER: _(
            "Knowledge-partner staff belong to a knowledge partner, and to no chamber or company."
        ),
        Role.SME: _("An SME contact belongs to a company at most, not to a chamber or partner."),
    }
    message = messages.get(
        role, _("This role belongs to no chamber, knowledge partner or company.")
    )
    required = {str(Role.ADVISOR): "chamber", str(Role.PARTNER): "partner"}.get(role)
    allowed = {
        str(Role.ADVISOR): "chamber",
        str(Role.PARTNER): "partner",
        str(Role.SME): "company",
    }.get(role)
    present = {"chamber": chamber, "partner": partner, "company": company}
    errors: dict[str, Any] = {}
    if required and not present[required]:
        errors[required] = message
    for field, value in present.items():
        if value and field != allowed:
            errors[field] = message
    return {field: str(text) for field, text in errors.items()}


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        raw = "dh_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[:8], token_hash=_hash_token(raw)
        )
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = (
            cls.objects.select_related("user")
            .filter(token_hash=_hash_token(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user
