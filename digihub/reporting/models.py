"""Report facts: the figures of the "stand van zaken" kept as small additive counts.

One row per day × dimension slots × measure × key; ``digihub.reporting.facts`` explains the
slots and measures, keeps them in the transactions that change the data and rebuilds them.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

# ``origin`` of a fact that has none (a first registration, a phase entry).
NO_ORIGIN = dt.date(1, 1, 1)


class ReportFact(models.Model):
    day = models.DateField()
    # For facts that count against a window on two dates: the day of the earlier event (the
    # decision a reopening undid, the previous registration of the same company).
    origin = models.DateField(default=NO_ORIGIN)
    measure = models.CharField(max_length=12)
    key = models.CharField(max_length=60, blank=True, default="")
    # Dimension slots: 0 = every value (the network-wide roll-up rows); -1 = none.
    hub = models.IntegerField(default=0)
    chamber = models.IntegerField(default=0)
    province = models.IntegerField(default=0)
    partner = models.IntegerField(default=0)
    theme = models.IntegerField(default=0)
    # The chamber whose advisors may read a ledger fact (0 = everyone who reads the network).
    reader = models.IntegerField(default=0)
    n = models.BigIntegerField(default=0)
    cents = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "hub",
                    "chamber",
                    "province",
                    "partner",
                    "theme",
                    "reader",
                    "measure",
                    "key",
                    "day",
                    "origin",
                ],
                name="report_fact_unique",
            )
        ]
        indexes = [
            models.Index(fields=["province", "measure", "day"], name="report_fact_province"),
            models.Index(fields=["chamber", "measure", "day"], name="report_fact_chamber"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.measure}:{self.key} = {self.n} / {self.cents}"
