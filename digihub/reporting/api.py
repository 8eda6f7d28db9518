from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from digihub.api.types import DbId, InputSchema

from .access import readable
from .figures import ReportFilters, compute_figures
from .forecast import forecast

router = Router(tags=["reporting"])


class FigureQuery(InputSchema):
    on: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    hub: DbId | None = None
    chamber: DbId | None = None
    province: DbId | None = None
    partner: DbId | None = None
    theme: DbId | None = None


class LeadTimeOut(Schema):
    label: str
    count: int
    median: float | None
    p90: float | None


class FiguresOut(Schema):
    on: dt.date
    start: dt.date | None
    end: dt.date | None
    reach: dict[str, int]
    phases: dict[str, int]
    started: int
    completed: int
    stopped: int
    funding: list[dict[str, Any]]
    sme_requested: Decimal
    sme_paid: Decimal
    by_province: list[dict[str, Any]]
    by_section: list[dict[str, Any]]
    by_size: list[dict[str, Any]]
    advice_count: int
    lead_times: list[LeadTimeOut]
    partners: list[dict[str, Any]]
    forecast_completed: int | None


@router.get("/figures", response=FiguresOut)
def figures(request: HttpRequest, query: Query[FigureQuery]) -> object:
    """The figures of the state-of-play report for a reference date, a period and filters."""
    from django.utils import timezone

    trajectories, questions, entries = readable(request.user)
    on = min(query.on or timezone.localdate(), timezone.localdate())
    start, end = query.start, query.end
    if start and end and start > end:
        start, end = end, start
    filters = ReportFilters(
        hub=query.hub,
        chamber=query.chamber,
        province=query.province,
        partner=query.partner,
        theme=query.theme,
    )
    result = compute_figures(
        on=on,
        start=start,
        end=end,
        filters=filters,
        trajectories=trajectories,
        questions=questions,
        entries=entries,
        reader=request.user,
    )
    prediction = forecast(result, filters.trajectories(trajectories))
    payload = {
        **result.__dict__,
        "lead_times": [lead.__dict__ for lead in result.lead_times],
        "forecast_completed": prediction.expected_completed if prediction else None,
    }
    payload["partners"] = [{**row, "load": str(row["load"])} for row in result.partners]
    payload["funding"] = [
        {**row, "committed": str(row["committed"]), "spent": str(row["spent"])}
        for row in result.funding
    ]
    return payload
