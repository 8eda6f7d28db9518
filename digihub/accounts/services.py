from __future__ import annotations

from django.conf import settings

from .models import User


def set_preferred_language(user: User, language: str) -> bool:
    """Store ``language`` as the person's preferred language (pages and e-mails); an unknown
    code changes nothing. True when the preference changed."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True
