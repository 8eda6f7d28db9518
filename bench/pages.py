"""The pages people use most, resolved against the generated network (bench/generate.py)."""

from __future__ import annotations

from collections.abc import Callable


def _trajectory_detail() -> str:
    from digihub.accounts.models import User
    from digihub.trajectories.models import Trajectory

    advisor = User.objects.get(email="advisor1@bench.digihub.be")
    trajectory = (
        Trajectory.objects.filter(chamber_id=advisor.chamber_id, phase="execution")
        .order_by("pk")
        .first()
    )
    assert trajectory is not None, "generate the data first: bench/generate.py"
    return f"/trajectories/{trajectory.pk}/"


def _report_for(field: str) -> Callable[[], str]:
    def url() -> str:
        from digihub.network.models import Hub

        hub = Hub.objects.filter(name="Bench Hub 1").values("pk", "province_id").first()
        assert hub is not None, "generate the data first: bench/generate.py"
        return f"/reports/?{field}={hub['pk'] if field == 'hub' else hub['province_id']}"

    return url


PAGES: list[tuple[str, str, Callable[[], str]]] = [
    ("advisor queue", "advisor1@bench.digihub.be", lambda: "/questions/?tab=all"),
    (
        "trajectory list (filtered)",
        "advisor1@bench.digihub.be",
        lambda: "/trajectories/?phase=execution",
    ),
    ("trajectory detail", "advisor1@bench.digihub.be", _trajectory_detail),
    ("partner workspace", "partner1@bench.digihub.be", lambda: "/trajectories/partner/"),
    ("hub budget dashboard", "coordinator@bench.digihub.be", lambda: "/funding/"),
    ("report (stand van zaken)", "coordinator@bench.digihub.be", lambda: "/reports/"),
    ("report, one hub", "coordinator@bench.digihub.be", _report_for("hub")),
    ("report, one province", "coordinator@bench.digihub.be", _report_for("province")),
    ("inbox (advisor)", "advisor1@bench.digihub.be", lambda: "/todo/"),
]
