"""Maturity sections other pages include without knowing this context: the company page's
T0/T1 comparison and the report's "maturity change" section."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.cache import cache

from digihub.core.access import can, visible
from digihub.trajectories.models import Trajectory

register = template.Library()


@register.inclusion_tag("assessments/_company_maturity.html", takes_context=True)
def company_maturity(context: Any, company: Any) -> dict[str, Any]:
    from ..models import Assessment
    from ..views import company_pair
    from ..workflow import chamber

    user = context["request"].user
    t0, t1 = company_pair(user, company)
    first = {s.code: s for s in t0.scores.select_related("dimension")} if t0 else {}  # type: ignore[attr-defined]
    second = {s.code: s for s in t1.scores.select_related("dimension")} if t1 else {}  # type: ignore[attr-defined]
    rows = []
    for code in dict.fromkeys([*first, *second]):
        a, b = first.get(code), second.get(code)
        rows.append(
            {
                "name": (a or b).dimension.name,  # type: ignore[union-attr]
                "t0": a.score if a else None,
                "t1": b.score if b else None,
                "change": b.score - a.score if a and b else None,
            }
        )
    probe = Assessment(company=company, chamber_id=company.chamber_id)
    may_steer = [
        t
        for t in visible(user, Trajectory).filter(company=company).exclude(phase="stopped")
        if can(user, "steer", t)
    ]
    return {
        "company": company,
        "t0": t0,
        "t1": t1,
        "rows": rows,
        "overall_change": (
            t1.overall - t0.overall
            if t0 and t1 and t0.overall is not None and t1.overall is not None
            else None
        ),
        "assessments": list(
            visible(user, Assessment).filter(company=company).order_by("-created_at")[:10]
        ),
        "can_start": bool(chamber(user, probe))
        if getattr(user, "is_authenticated", False)
        else False,
        "trajectories": may_steer,
    }


@register.inclusion_tag("assessments/_report_maturity.html", takes_context=True)
def report_maturity(context: Any) -> dict[str, Any]:
    """The maturity change of the customers the reader may see, this year so far."""
    from .. import kpi
    from ..exports import dimension_label
    from ..policies import can_read_kpis

    user = context["request"].user
    if not can_read_kpis(user):
        return {"k": None}
    period = kpi.Period.default()
    # Shared like the report's figures: readers of one scope see the same trajectories, and the
    # page is opened far more often than the figures change.
    seconds = settings.DIGIHUB_REPORT_CACHE_SECONDS
    scope = (user.role, user.chamber_id, user.partner_id, user.company_id, user.is_superuser)
    key = "assessments:maturity:" + "|".join(str(v) for v in (*scope, period.start, period.end))
    k = cache.get(key) if seconds else None
    if not isinstance(k, kpi.MaturitySummary):
        k = kpi.maturity_summary(visible(user, Trajectory), period)
        if seconds:
            cache.set(key, k, seconds)
    rows = [dict(r, label=dimension_label(r["code"])) for r in k.change]
    return {"k": k, "rows": rows}
