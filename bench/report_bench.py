"""Times the whole "stand van zaken" answer against one hand-written SQL query for the same figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/digihub_bench .venv/bin/python bench/report_bench.py

Fill the database first (``bench/generate.py --scale 200`` makes the European network with
1,000,000+ trajectories). Prints the first (cold) and the median of warm runs of
``compute_figures`` — read from the report facts, as the report page, PDF and API use it — for
the network, one hub and one province; then the same figures computed from the source tables
(``compute_figures_direct``) and by one hand-written SQL query, and checks they are identical.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HAND_SQL = """
WITH upto AS (SELECT %(upto)s::timestamptz AS t, %(on)s::date AS d),
standing AS (
  SELECT tr.decision, tr.route FROM intake_questiontransition tr, upto
  WHERE tr.to_status = 'decided' AND tr.at < upto.t
    AND NOT EXISTS (SELECT 1 FROM intake_questiontransition later
                    WHERE later.question_id = tr.question_id AND later.at > tr.at AND later.at < upto.t)
),
reached AS (SELECT q.company_id FROM intake_question q, upto WHERE q.registered_at < upto.t),
signed AS (
  SELECT EXTRACT(EPOCH FROM (t.quote_signed_at - q.registered_at)) / 86400.0 AS days
  FROM trajectories_trajectory t JOIN intake_question q ON q.id = t.question_id, upto
  WHERE t.quote_signed_at < upto.t
),
done AS (
  SELECT EXTRACT(EPOCH FROM (t.completed_at - t.quote_signed_at)) / 86400.0 AS days,
         EXTRACT(EPOCH FROM (t.completed_at - q.registered_at)) / 86400.0 AS total
  FROM trajectories_trajectory t LEFT JOIN intake_question q ON q.id = t.question_id, upto
  WHERE t.completed_at < upto.t
)
SELECT json_build_object(
  'registered', (SELECT count(*) FROM reached),
  'companies', (SELECT count(DISTINCT company_id) FROM reached),
  'conversations', (SELECT count(*) FROM intake_conversation c, upto WHERE c.kind = 'exploratory' AND c.held_on <= upto.d),
  'decisions', (SELECT json_object_agg(k, n) FROM (SELECT decision || ':' || route AS k, count(*) AS n FROM standing GROUP BY 1) s),
  'phases', (SELECT json_object_agg(phase, n) FROM (
      SELECT s.phase, count(*) AS n FROM trajectories_phasespan s, upto
      WHERE s.entered_at < upto.t AND (s.left_at IS NULL OR s.left_at >= upto.t) GROUP BY s.phase) p),
  'started', (SELECT count(*) FROM trajectories_trajectory t, upto WHERE t.started_at < upto.t),
  'completed', (SELECT count(*) FROM trajectories_trajectory t, upto WHERE t.completed_at < upto.t),
  'stopped', (SELECT count(*) FROM trajectories_trajectory t, upto WHERE t.stopped_at < upto.t),
  'funding', (SELECT json_agg(f) FROM (
      SELECT e.project_type_id, e.source_id,
             sum(e.amount) FILTER (WHERE e.kind = 'commit') - coalesce(sum(e.amount) FILTER (WHERE e.kind = 'release'), 0) AS committed,
             coalesce(sum(e.amount) FILTER (WHERE e.kind = 'spend'), 0) AS spent
      FROM funding_ledgerentry e, upto WHERE e.booked_on <= upto.d GROUP BY 1, 2) f),
  'sme', (SELECT json_build_object('requested', coalesce(sum(amount), 0),
                                   'paid', coalesce(sum(amount) FILTER (WHERE status = 'paid' AND paid_at < upto.t), 0))
          FROM funding_paymentrequest, upto WHERE created_at < upto.t),
  'by_province', (SELECT json_object_agg(province_id, n) FROM (
      SELECT c.province_id, count(DISTINCT c.id) AS n FROM reached r JOIN companies_company c ON c.id = r.company_id GROUP BY 1) x),
  'by_section', (SELECT json_object_agg(coalesce(nace_section, ''), n) FROM (
      SELECT c.nace_section, count(DISTINCT c.id) AS n FROM reached r JOIN companies_company c ON c.id = r.company_id GROUP BY 1) x),
  'by_size', (SELECT json_object_agg(size_class, n) FROM (
      SELECT c.size_class, count(DISTINCT c.id) AS n FROM reached r JOIN companies_company c ON c.id = r.company_id GROUP BY 1) x),
  'advice', (SELECT count(*) FROM trajectories_advice a, upto WHERE a.delivered_on <= upto.d),
  'to_sign', (SELECT json_build_array(count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY days), percentile_cont(0.9) WITHIN GROUP (ORDER BY days)) FROM signed),
  'to_complete', (SELECT json_build_array(count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY days), percentile_cont(0.9) WITHIN GROUP (ORDER BY days)) FROM done),
  'partners', (SELECT json_agg(p) FROM (
      SELECT t.partner_id, count(*) FILTER (WHERE t.phase IN ('quote', 'execution')) AS running,
             count(*) FILTER (WHERE t.phase = 'startup') AS backlog
      FROM trajectories_trajectory t GROUP BY 1) p)
)
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--direct-runs", type=int, default=1, help="runs of the scanning computations (slow)"
    )
    parser.add_argument("--on", help="reference date (default today)")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/digihub_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIGIHUB_TESTING", "1")
    import datetime as dt

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from digihub.reporting.figures import compute_figures
    from digihub.trajectories.models import PhaseSpan, Trajectory
    from digihub.trajectories.selectors import end_of_day

    if connection.vendor != "postgresql":
        sys.exit("The report benchmark runs on PostgreSQL (set DATABASE_URL).")
    on = dt.date.fromisoformat(args.on) if args.on else timezone.localdate()
    print(
        f"database: {connection.settings_dict['NAME']}  trajectories: {Trajectory.objects.count():,}  "
        f"phase periods: {PhaseSpan.objects.count():,}  reference date: {on}"
    )

    from digihub.network.models import Hub
    from digihub.reporting.figures import ReportFilters, compute_figures_direct

    hub: dict[str, Any] = (
        Hub.objects.filter(name="Bench Hub 1").values("pk", "province_id").first() or {}
    )
    one_hub = ReportFilters(hub=hub.get("pk"))
    one_province = ReportFilters(province=hub.get("province_id"))

    def timed(func: Any, runs: int) -> tuple[float, float, float, Any]:
        """(first, median, best) seconds and the value; the first run is the cold one."""
        start = time.perf_counter()
        value = func()
        first = time.perf_counter() - start
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            value = func()
            timings.append(time.perf_counter() - start)
        if not timings:
            return first, first, first, value
        return first, statistics.median(timings), min(timings), value

    def hand() -> object:
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, {"upto": end_of_day(on), "on": on})
            return cursor.fetchone()[0]

    print(f"{'':42} {'first ms':>10} {'median ms':>10} {'best ms':>10} {'queries':>8}")
    facts_values = {}
    for name, filters, target in (
        ("compute_figures (facts), network", ReportFilters(), 1.0),
        ("compute_figures (facts), one hub", one_hub, 0.1),
        ("compute_figures (facts), one province", one_province, 0.1),
    ):
        with CaptureQueriesContext(connection) as captured:
            first, median, best, value = timed(
                lambda f=filters: compute_figures(on=on, filters=f), args.runs
            )
        facts_values[name] = (filters, value)
        print(
            f"{name:42} {first * 1000:10.1f} {median * 1000:10.1f} {best * 1000:10.1f} "
            f"{len(captured) // (args.runs + 1):8d}   target {target * 1000:.0f} ms: "
            + ("met" if first < target else "MISSED")
        )
    direct_runs = max(0, args.direct_runs - 1)
    first, median, best, direct = timed(lambda: compute_figures_direct(on=on), direct_runs)
    print(
        f"{'compute_figures_direct (scans), network':42} {first * 1000:10.1f} "
        f"{median * 1000:10.1f} {best * 1000:10.1f}"
    )
    first, median, best, sql_value = timed(hand, direct_runs)
    print(f"{'hand-written SQL, network':42} {first * 1000:10.1f} {median * 1000:10.1f}")
    network = facts_values["compute_figures (facts), network"][1]
    print(
        "facts = direct computation (every figure, network): "
        + ("yes" if dataclasses.asdict(network) == dataclasses.asdict(direct) else "NO")
    )
    for name in ("compute_figures (facts), one hub", "compute_figures (facts), one province"):
        filters, value = facts_values[name]
        same = dataclasses.asdict(value) == dataclasses.asdict(
            compute_figures_direct(on=on, filters=filters)
        )
        print(
            f"facts = direct computation ({name.rsplit(', ', 1)[1]}): " + ("yes" if same else "NO")
        )
    same = (
        network.reach["registered"] == sql_value["registered"]
        and network.reach["conversations"] == sql_value["conversations"]
        and {k: v for k, v in network.phases.items() if v} == (sql_value["phases"] or {})
        and network.advice_count == sql_value["advice"]
    )
    print("same key figures as the hand-written SQL: " + ("yes" if same else "NO"))


if __name__ == "__main__":
    main()
