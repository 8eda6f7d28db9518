"""A transparent forecast to the programme's end date from today's pipeline.

Assumptions, all measured from the data and shown with the result:
* a trajectory in execution completes with the historical completion rate (completed ÷
  (completed + stopped after signing)), after the median signed→completed lead time;
* a trajectory in start-up or quote phase is signed with the historical signing rate
  (signed ÷ all that left the quote phase), after the median first-contact→signed lead time;
* each expected signing commits the average signed amount, split by the programme's rates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet

from digihub.core.money import ZERO, cents
from digihub.funding.models import Programme, ProjectKind
from digihub.trajectories.models import Phase, Quote, QuoteStatus, Trajectory

from .figures import Figures


@dataclass(frozen=True)
class Forecast:
    end: dt.date
    days_left: int
    completion_rate: Decimal
    signing_rate: Decimal
    median_to_sign: float | None
    median_to_complete: float | None
    average_signed: Decimal
    expected_completed: int
    expected_new_signings: int
    expected_extra_commitment: Decimal
    completed_now: int
    # How many outcomes each rate was measured on; 0 means the rate is an assumption (100 %).
    completion_measured_on: int = 0
    signing_measured_on: int = 0
    in_execution: int = 0
    before_signing: int = 0

    @property
    def supported(self) -> bool:
        """Whether the data supports a statement about the future: time left, and both
        rates measured on at least one outcome."""
        return (
            self.days_left > 0 and self.completion_measured_on > 0 and self.signing_measured_on > 0
        )


def forecast(
    figures: Figures, trajectories: QuerySet[Trajectory], programme: Programme | None = None
) -> Forecast | None:
    programme = (
        programme
        or Programme.objects.filter(project_types__kind=ProjectKind.GUIDANCE)
        .order_by("-end")
        .first()
    )
    if programme is None:
        return None
    days_left = max((programme.end - figures.on).days, 0)
    outcome = trajectories.aggregate(
        completed=Count("pk", filter=Q(phase=Phase.COMPLETED)),
        stopped_after=Count("pk", filter=Q(phase=Phase.STOPPED, quote_signed_at__isnull=False)),
        signed=Count("pk", filter=Q(quote_signed_at__isnull=False)),
        stopped_before=Count("pk", filter=Q(phase=Phase.STOPPED, quote_signed_at__isnull=True)),
        execution=Count("pk", filter=Q(phase=Phase.EXECUTION)),
        early=Count("pk", filter=Q(phase__in=[Phase.STARTUP, Phase.QUOTE])),
    )
    finished = outcome["completed"] + outcome["stopped_after"]
    completion_rate = Decimal(outcome["completed"]) / finished if finished else Decimal("1")
    decided = outcome["signed"] + outcome["stopped_before"]
    signing_rate = Decimal(outcome["signed"]) / decided if decided else Decimal("1")
    leads = {lead.label: lead.median for lead in figures.lead_times}
    to_sign, to_complete = leads.get("first_contact_to_signed"), leads.get("signed_to_completed")
    average = (
        Quote.objects.filter(trajectory__in=trajectories, status=QuoteStatus.SIGNED).aggregate(
            a=Avg("total")
        )["a"]
        or ZERO
    )

    completes_in_time = to_complete is None or to_complete <= days_left
    signs_in_time = to_sign is None or to_sign <= days_left
    both_in_time = to_sign is None or to_complete is None or (to_sign + to_complete) <= days_left
    expected_signings = (
        int((outcome["early"] * signing_rate).to_integral_value()) if signs_in_time else 0
    )
    expected = outcome["completed"]
    if completes_in_time:
        expected += int((outcome["execution"] * completion_rate).to_integral_value())
    if both_in_time:
        expected += int((expected_signings * completion_rate).to_integral_value())
    return Forecast(
        end=programme.end,
        days_left=days_left,
        completion_rate=completion_rate,
        signing_rate=signing_rate,
        median_to_sign=to_sign,
        median_to_complete=to_complete,
        average_signed=cents(Decimal(average)),
        expected_completed=expected,
        expected_new_signings=expected_signings,
        expected_extra_commitment=cents(Decimal(average) * expected_signings),
        completed_now=outcome["completed"],
        completion_measured_on=finished,
        signing_measured_on=decided,
        in_execution=outcome["execution"],
        before_signing=outcome["early"],
    )
