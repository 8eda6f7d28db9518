"""Load benchmark: the pages people use most, under the production server, at N concurrent users.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/digihub_bench .venv/bin/python bench/load.py

Starts gunicorn on loopback against the database in DATABASE_URL (fill it first with
``bench/generate.py``), logs in one session per role, and drives every page with N concurrent
keep-alive clients for a fixed time. Prints p50/p95/p99 latency and requests/s per page, the same
for a bare Django view on the same server (the framework's floor) and the ratio, the peak
resident memory of a worker, and EXPLAIN ANALYZE of the heaviest queries of each page.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Result:
    name: str
    latencies: list[float]
    errors: int
    seconds: float

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _headers(cookie: str) -> dict[str, str]:
    return {"Cookie": cookie, "Accept-Language": "nl", "Host": "127.0.0.1"}


def drive_once(port: int, path: str, cookie: str) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    start = time.perf_counter()
    connection.request("GET", path, headers=_headers(cookie))
    connection.getresponse().read()
    connection.close()
    return (time.perf_counter() - start) * 1000


def drive(port: int, path: str, cookie: str, users: int, seconds: float) -> Result:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    headers = _headers(cookie)

    def user() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failures = 0
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures += 1
                else:
                    mine.append(time.perf_counter() - start)
            except (OSError, http.client.HTTPException):
                failures += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failures

    threads = [threading.Thread(target=user) for _ in range(users)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(path, latencies, errors, time.perf_counter() - began)


def worker_peak_rss_mb(master_pid: int) -> float:
    peak = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            peak = max(peak, int(fields.get("VmHWM", "0 kB").split()[0]))
    return peak / 1024


def session_cookie(email: str) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string

    from digihub.accounts.models import User

    user = User.objects.get(email=email)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    # The CSRF cookie a browser keeps from its first page: pages are kept per person only for a
    # client that has one (their forms carry a token of it).
    csrf = _get_new_csrf_string()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"


def announce_changes(per_second: float, stop: threading.Event) -> None:
    """What a committed change by any worker does to kept pages, ``per_second`` times a second."""
    from django.db import connection

    while not stop.wait(1 / per_second):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_datachange SET counter = counter + 1 WHERE id = 1")
    connection.close()


def explain(path: str, email: str, top: int = 2) -> list[str]:
    """EXPLAIN ANALYZE the slowest queries a page runs, rendered in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from digihub.accounts.models import User

    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(User.objects.get(email=email))
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:top]
    lines = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or connection.vendor != "postgresql":
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            lines.append(f"    [{float(query['time']) * 1000:.1f} ms] {sql[:140]}…")
            lines.extend("      " + p for p in plan[:8])
    return lines


# (page name, role e-mail, path builder) — builders receive nothing and return a URL path.
Page = tuple[str, str, Callable[[], str]]


def pages() -> list[Page]:
    from bench import pages as page_module

    return page_module.PAGES


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "4")))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument(
        "--render",
        action="store_true",
        help="render every request (kept pages off: DIGIHUB_PAGE_CACHE_SECONDS=0)",
    )
    parser.add_argument(
        "--changes-per-second",
        type=float,
        default=0.0,
        help="committed changes elsewhere in the network per second, each of which makes "
        "every kept page obsolete",
    )
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/digihub_bench")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DIGIHUB_HTTPS": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 60),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DIGIHUB_TASKS": "immediate",
        # The benchmark logs in as the generated demo users, who skip the second factor only
        # in demo mode (gunicorn runs no system checks; never set this on a real installation).
        "DIGIHUB_DEMO_MODE": "1",
        # As in production with several workers: they share computed report figures.
        "DIGIHUB_CACHE_URL": "file://" + tempfile.mkdtemp(prefix="digihub-bench-cache-"),
        "DIGIHUB_PAGE_CACHE_SECONDS": "0" if args.render else "60",
    }
    os.environ.update(
        {
            k: env[k]
            for k in ("DJANGO_DEBUG", "DIGIHUB_HTTPS", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    python = sys.executable
    subprocess.run(  # noqa: S603
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    stop = threading.Event()
    server = subprocess.Popen(  # noqa: S603
        [
            python,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
            "--timeout",
            "300",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                connection.request("GET", "/bench/bare")
                connection.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        selected = [p for p in pages() if not args.only or p[0] in args.only.split(",")]
        cookies: dict[str, str] = {}
        print(
            f"{args.users} concurrent users, {args.seconds:.0f} s per page, {args.workers} gunicorn "
            f"workers, kept pages {'off' if args.render else 'on'}, "
            f"{args.changes_per_second:g} changes/s elsewhere\n"
        )
        if args.changes_per_second > 0:
            threading.Thread(
                target=announce_changes, args=(args.changes_per_second, stop), daemon=True
            ).start()
        bare = drive(args.port, "/bench/bare", "", args.users, args.seconds)
        header = f"{'page':28} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} {'errors':>7} {'vs bare':>8}"
        print(header)
        print("-" * len(header))
        print(
            f"{'bare Django view':28} {'':>9} {bare.pct(0.5):8.1f} {bare.pct(0.95):8.1f} {bare.pct(0.99):8.1f} {bare.rps:8.1f} {bare.errors:7d} {'1.00':>8}"
        )
        explains: list[str] = []
        for name, email, build in selected:
            cookies.setdefault(email, session_cookie(email))
            path = build()
            # One request alone first: what a single user waits when nothing is warm.
            first = drive_once(args.port, path, cookies[email])
            result = drive(args.port, path, cookies[email], args.users, args.seconds)
            ratio = result.rps / bare.rps if bare.rps else 0
            print(
                f"{name:28} {first:9.1f} {result.pct(0.5):8.1f} {result.pct(0.95):8.1f} {result.pct(0.99):8.1f} {result.rps:8.1f} {result.errors:7d} {ratio:8.2f}"
            )
            if not args.no_explain:
                explains.append(f"  {name} ({path})")
                explains.extend(explain(path, email))
        print(f"\npeak worker memory: {worker_peak_rss_mb(server.pid):.0f} MB")
        if explains:
            print("\nEXPLAIN ANALYZE of the heaviest queries per page:")
            print("\n".join(explains))
    finally:
        stop.set()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # workers still busy with a slow page
            server.kill()
            server.wait()
        directory = env["DIGIHUB_CACHE_URL"].removeprefix("file://")
        for kept in (directory, directory + "-pages"):
            shutil.rmtree(kept, ignore_errors=True)


if __name__ == "__main__":
    main()
