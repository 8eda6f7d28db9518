from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThrottleCounter(models.Model):
    """How often one key (an action and an address) was used in its current time window.

    Kept in the database so that every worker process and every machine counts together;
    ``digihub.core.throttle`` changes it with one atomic statement."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    window_start = models.DateTimeField(_("window start"), db_index=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("throttle counter")
        verbose_name_plural = _("throttle counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class DataChange(models.Model):
    """One row: a counter that every committed change of the platform's data moves on.

    Pages kept in the cache (``digihub.core.page_cache``) are filed under this counter, so a
    change committed by any worker process or machine makes every kept page obsolete at once;
    ``digihub.core.changes`` moves it and reads it."""

    counter = models.BigIntegerField(_("counter"), default=0)

    class Meta:
        verbose_name = _("data change counter")
        verbose_name_plural = _("data change counters")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="core_datachange_one_row")
        ]

    def __str__(self) -> str:
        return str(self.counter)
