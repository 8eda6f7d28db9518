"""What one request of each busy page costs, in-process: wall, CPU, queries and their time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/digihub_bench .venv/bin/python bench/page_cost.py
    … bench/page_cost.py --only "inbox (advisor)" --profile     # where the CPU goes
    … bench/page_cost.py --only "hub budget dashboard" --queries  # the slowest queries

Renders the pages of ``bench/pages.py`` with the Django test client (the report figures cache
and the kept pages off so every request pays for what it shows; ``--kept`` measures a page
served again while its data did not change) and prints the
first request and the median of the next ``--runs`` (compiled templates are kept per process,
as Django does by default). On a machine shared with other work the CPU
time of the process is the figure to compare: the wall time also counts waiting for a core.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--profile", action="store_true", help="cProfile the last request")
    parser.add_argument("--queries", action="store_true", help="print the slowest queries")
    parser.add_argument("--sort", default="cumulative", help="cProfile order (cumulative, tottime)")
    parser.add_argument(
        "--kept",
        action="store_true",
        help="serve kept pages (digihub.core.page_cache) as a signed-in browser gets them; "
        "without it every request renders its page",
    )
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/digihub_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIGIHUB_TESTING", "1")
    os.environ.setdefault("DIGIHUB_REPORT_CACHE_SECONDS", "0")
    os.environ["DIGIHUB_PAGE_CACHE_SECONDS"] = "60" if args.kept else "0"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from bench.pages import PAGES
    from digihub.accounts.models import User

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    print(f"{'page':28} {'first ms':>9} {'wall ms':>8} {'CPU ms':>7} {'queries':>8} {'DB ms':>7}")
    bare = ("bare Django view", "", lambda: "/bench/bare")
    for name, email, build in [bare, *PAGES]:
        if args.only and name not in args.only.split(","):
            continue
        client = Client(HTTP_ACCEPT_LANGUAGE="nl")
        if email:
            client.force_login(User.objects.get(email=email))
        path = build()
        start = time.perf_counter()
        response = client.get(path)
        first = time.perf_counter() - start
        assert response.status_code == 200, (name, response.status_code)
        walls, cpus, counts, db = [], [], [], []
        profile = cProfile.Profile()
        for i in range(args.runs):
            last = i == args.runs - 1
            with CaptureQueriesContext(connection) as captured:
                start, cpu = time.perf_counter(), time.process_time()
                if last and args.profile:
                    profile.enable()
                client.get(path)
                if last and args.profile:
                    profile.disable()
                cpus.append(time.process_time() - cpu)
                walls.append(time.perf_counter() - start)
            counts.append(len(captured))
            db.append(sum(float(q["time"]) for q in captured.captured_queries))
        print(
            f"{name:28} {first * 1000:9.0f} {statistics.median(walls) * 1000:8.0f} "
            f"{statistics.median(cpus) * 1000:7.0f} {counts[-1]:8d} "
            f"{statistics.median(db) * 1000:7.0f}"
        )
        if args.queries:
            slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:5]
            for query in slowest:
                print(f"    [{float(query['time']) * 1000:.1f} ms] {query['sql'][:600]}")
        if args.profile:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(40)
            print(out.getvalue())


if __name__ == "__main__":
    main()
