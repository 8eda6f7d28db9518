from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Stable codes; never compare against the translated label."""

    ADVISOR = "advisor", _("Chamber advisor")
    PARTNER = "partner", _("Knowledge-partner staff")
    SME = "sme", _("SME contact")
    OFFICER = "officer", _("Funding-agency officer")
    COORDINATOR = "coordinator", _("Programme coordinator")
    ADMIN = "admin", _("Administrator")


# Roles that see the whole network (read), not one organisation.
NETWORK_WIDE_ROLES = frozenset({Role.OFFICER, Role.COORDINATOR, Role.ADMIN})
# Roles that must protect their account with a second factor.
MFA_REQUIRED_ROLES = frozenset(
    {Role.ADVISOR, Role.PARTNER, Role.OFFICER, Role.COORDINATOR, Role.ADMIN}
)
