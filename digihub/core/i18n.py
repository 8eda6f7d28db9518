from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

NAME_LANGUAGES = ("nl", "en", "fr")


class BilingualName(models.Model):
    """Reference data named in each platform language; ``name`` follows the active language.

    Dutch is required and is what a missing English or French name falls back to, so a row
    added in the admin with only its Dutch name still reads as something everywhere."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @classmethod
    def name_columns(cls, path: str) -> tuple[str, ...]:
        """The names in every language as columns reached through ``path`` (e.g. ``"source"``),
        for a query that reads only what a page shows."""
        return tuple(f"{path}__name_{code}" for code in NAME_LANGUAGES)

    @property
    def name(self) -> str:
        return self.name_in(get_language())

    @property
    def every_name(self) -> str:
        """The names in all languages, for matching words typed in any of them."""
        return " ".join(name for name in (self.name_nl, self.name_en, self.name_fr) if name)

    def name_in(self, language: str | None) -> str:
        code = (language or "nl")[:2]
        if code in ("en", "fr"):
            return str(getattr(self, f"name_{code}")) or self.name_nl
        return self.name_nl
