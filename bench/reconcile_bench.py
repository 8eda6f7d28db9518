"""Times the import of a bank statement of 10,000 credits against 500,000 open payment requests.

    .venv/bin/python bench/reconcile_bench.py            # PostgreSQL, its own database
    .venv/bin/python bench/reconcile_bench.py --requests 500000 --credits 10000 --runs 3

Uses ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/digihub_reconcile_bench``,
created and migrated if missing). Fills it with the reference data (network, programmes,
payees), one company and N open payment requests (set-based ``INSERT … SELECT generate_series``),
then writes one camt.053 file whose credits are 90 % exact payments, 5 % partial payments,
2.5 % second payments of a request (duplicates, to resolve) and 2.5 % unknown communications,
and times ``digihub.funding.payments.import_statement`` — parsing, matching, and writing the
entries, receipts, request statuses and audit events in one transaction — as the upload page
runs it. Between runs the import is undone. Prints the median and checks the counts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/digihub_reconcile_bench"


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DIGIHUB_TASKS", "immediate")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(requests: int) -> tuple[str, int]:
    """Reference data and ``requests`` open payment requests; returns (account IBAN, officer pk)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from digihub.accounts.models import User
    from digihub.accounts.roles import Role
    from digihub.companies.models import Company
    from digihub.companies.services import company_create
    from digihub.funding import demo as funding_demo
    from digihub.funding.models import Payee, PaymentRequest, Programme
    from digihub.network import demo as network_demo
    from digihub.network.models import Hub

    with transaction.atomic():
        network_demo.build()
        funding_demo.build()
    programme = Programme.objects.get(code="voka-digihub-efro")
    payee = Payee.objects.get(programme=programme, chamber__isnull=True)
    hub = Hub.objects.order_by("pk").first()
    assert hub is not None
    company = Company.objects.filter(enterprise_number="0403170701").first() or company_create(
        actor=None,
        data={
            "enterprise_number": "0403170701",
            "name": "Bench BV",
            "postcode": "3000",
            "city": "Leuven",
        },
    )
    officer, _ = User.objects.get_or_create(
        email="officer@reconcile-bench.digihub.be",
        defaults={"role": Role.OFFICER, "first_name": "Bench", "last_name": "Officer"},
    )
    have = PaymentRequest.objects.count()
    if have < requests:
        ct = ContentType.objects.get_for_model(Company).pk
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO funding_paymentrequest
                  (company_id, programme_id, hub_id, payee_id, amount, paid_amount,
                   structured_communication, document_type_id, document_id, document_label,
                   status, created_at, due_date)
                SELECT %(company)s, %(programme)s, %(hub)s, %(payee)s, 300 + (i %% 500), 0,
                       lpad(i::text, 10, '0')
                         || lpad((CASE WHEN i %% 97 = 0 THEN 97 ELSE i %% 97 END)::text, 2, '0'),
                       %(ct)s, %(company)s::text, 'bench ' || i, 'requested',
                       now() - interval '5 days', (now() + interval '25 days')::date
                FROM generate_series(%(first)s, %(last)s) AS i
                """,
                {
                    "company": company.pk,
                    "programme": programme.pk,
                    "hub": hub.pk,
                    "payee": payee.pk,
                    "ct": ct,
                    "first": 10_000_000 + have + 1,
                    "last": 10_000_000 + requests,
                },
            )
            cursor.execute("ANALYZE funding_paymentrequest")
    return payee.iban, officer.pk


def _statement(account: str, credits: int) -> tuple[bytes, dict[str, int]]:
    """A camt.053 file: exact, partial, duplicate and unknown credits (expected counts too)."""
    from stdnum.be import ogm_vcs

    from digihub.funding.demo_payments import camt053
    from digihub.funding.models import PaymentRequest

    rows = list(
        PaymentRequest.objects.order_by("?").values_list("structured_communication", "amount")[
            :credits
        ]
    )
    partial = credits // 20
    duplicate = credits // 40
    unknown = credits // 40
    exact = credits - partial - duplicate - unknown
    day = "2026-11-20"
    entries: list[dict[str, str]] = []
    for n, (comm, amount) in enumerate(rows[:exact]):
        entries.append(
            {
                "reference": f"E{n}",
                "amount": str(amount),
                "communication": f"+++{comm}+++",
                "date": day,
                "name": "Bench BV",
            }
        )
    for n, (comm, amount) in enumerate(rows[exact : exact + partial]):
        entries.append(
            {
                "reference": f"P{n}",
                "amount": str(amount - 100),
                "communication": f"+++{comm}+++",
                "date": day,
                "name": "Bench BV",
            }
        )
    for n, (comm, amount) in enumerate(rows[:duplicate]):
        entries.append(
            {
                "reference": f"D{n}",
                "amount": str(amount),
                "communication": f"+++{comm}+++",
                "date": day,
                "name": "Bench BV",
            }
        )
    for n in range(unknown):
        number = f"{9_000_000_000 + n:010d}"
        comm = number + ogm_vcs.calc_check_digits(number)
        entries.append(
            {
                "reference": f"U{n}",
                "amount": "77.00",
                "communication": f"+++{comm}+++",
                "date": day,
                "name": "Niemand NV",
            }
        )
    expected = {"credits": credits, "matched": exact + partial, "to_resolve": duplicate + unknown}
    return camt053(account, entries, "BENCH-1"), expected


def _server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the server runs on
    this machine (``/proc``); the import's work is split between this process and it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _undo() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM audit_auditevent WHERE action IN "
            "('funding.paid', 'funding.partly_paid', 'funding.statement_imported')"
        )
        cursor.execute("DELETE FROM funding_receipt")
        cursor.execute("DELETE FROM funding_statemententry")
        cursor.execute("DELETE FROM funding_bankstatement")
        cursor.execute(
            "UPDATE funding_paymentrequest SET status = 'requested', paid_amount = 0, "
            "paid_at = NULL WHERE status <> 'requested' OR paid_amount <> 0"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=500_000)
    parser.add_argument("--credits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL (DATABASE_URL=postgres://…).")
    _ensure_database(url)
    _setup(url)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digihub.accounts.models import User
    from digihub.funding.payments import import_statement
    from digihub.funding.statements import parse_camt053

    started = time.perf_counter()
    account, officer_pk = _fill(args.requests)
    officer = User.objects.get(pk=officer_pk)
    _undo()
    print(
        f"database ready: {args.requests:,} open payment requests ({time.perf_counter() - started:.1f} s)"
    )
    data, expected = _statement(account, args.credits)
    print(f"statement: {args.credits:,} credits, {len(data) / 1e6:.1f} MB camt.053")
    parse_times, times, cpu, server, queries = [], [], [], [], 0
    for run in range(args.runs):
        t0 = time.perf_counter()
        parse_camt053(data)
        parse_times.append(time.perf_counter() - t0)
        s0 = _server_cpu()
        with CaptureQueriesContext(connection) as captured:
            t0, c0 = time.perf_counter(), time.process_time()
            result = import_statement(actor=officer, data=data, file_name="bench.xml")
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        s1 = _server_cpu()
        server.append(s1 - s0 if s0 is not None and s1 is not None else float("nan"))
        queries = len(captured.captured_queries)
        s = result.statement
        got = {"credits": s.credits, "matched": s.matched, "to_resolve": s.to_resolve}
        assert got == expected, (got, expected)
        print(
            f"  run {run + 1}: {times[-1]:.2f} s wall, {cpu[-1]:.2f} s CPU of this process + "
            f"{server[-1]:.2f} s of the PostgreSQL backend ({queries} queries), {got}"
        )
        again = import_statement(actor=officer, data=data)
        assert again.already_imported
        _undo()
    median = statistics.median(times)
    load = os.getloadavg()[0]
    print(f"machine load average (1 min): {load:.1f} on {os.cpu_count()} cores")
    print(f"parse alone: median {statistics.median(parse_times):.2f} s")
    busy = statistics.median(c + s for c, s in zip(cpu, server, strict=True))
    print(
        f"import of {args.credits:,} credits against {args.requests:,} open requests: "
        f"median {median:.2f} s wall over {args.runs} runs ({queries} queries), "
        f"{busy:.2f} s CPU (process + PostgreSQL) — "
        f"target 5 s wall: {'met' if median < 5 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
