"""An SME account is linked to a company once two proofs meet: the person owns the e-mail address
(verified by allauth) and the company's chamber or a confirmed user of the company confirmed that
address as a representative. An address merely typed into a form is no proof."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_confirmed
from allauth.mfa.models import Authenticator
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .roles import Role


@receiver(email_confirmed)
def link_sme_to_company(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    from digihub.companies.models import Contact

    user = email_address.user
    if user.role != Role.SME or user.company_id is not None:
        return
    companies = set(
        Contact.objects.filter(
            email__iexact=email_address.email,
            erased_at__isnull=True,
            confirmed_at__isnull=False,
        ).values_list("company_id", flat=True)
    )
    if len(companies) == 1:  # ambiguous addresses are linked by hand by an advisor
        user.company_id = companies.pop()
        user.save(update_fields=["company"])


@receiver(post_delete, sender=Authenticator, dispatch_uid="accounts-forget-totp-delete")
@receiver(post_save, sender=Authenticator, dispatch_uid="accounts-forget-totp-save")
def forget_totp(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A removed authenticator closes the platform to its owner on the next request."""
    from .middleware import forget_totp

    forget_totp(instance.user)
