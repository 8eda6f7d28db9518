"""Fill PostgreSQL with a Digihub network at scale, fast (INSERT … SELECT generate_series).

    .venv/bin/python bench/generate.py --scale 200      # the European network: 200 hubs,
                                                        # 1,000,000 companies, 1,040,000 trajectories

Scale 1 is one Flemish province (5,000 companies). The database in DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/digihub_bench) is created, migrated and emptied first.
Reference data (hubs, partners, users, funding rules) is made with the ORM; the big tables with
set-based SQL so every row respects the models' constraints and the phase history is consistent.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMPANIES_PER_HUB = 5000


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _fill_defaults(model: Any, given: dict[str, str]) -> dict[str, str]:
    """Every NOT NULL column needs a value in raw SQL: take the model's constant default or a neutral one."""
    from django.db.models import NOT_PROVIDED

    columns = dict(given)
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in columns or field.null:
            continue
        default = field.default
        if default is not NOT_PROVIDED and not callable(default):
            if isinstance(default, bool):
                columns[field.column] = "true" if default else "false"
            elif isinstance(default, str):
                columns[field.column] = "'" + default.replace("'", "''") + "'"
            else:
                columns[field.column] = str(default)
            continue
        kind = field.get_internal_type()
        columns[field.column] = {
            "DateTimeField": "now()",
            "DateField": "current_date",
            "BooleanField": "false",
            "JSONField": "'{}'::jsonb",
        }.get(kind, "0" if "Integer" in kind or kind in ("DecimalField", "FloatField") else "''")
    return columns


def insert(model: Any, select_from: str, columns: dict[str, str]) -> int:
    from django.db import connection

    columns = _fill_defaults(model, columns)
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(columns.values())} FROM {select_from}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def reference_data(scale: int) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password

    from digihub.accounts.models import User
    from digihub.accounts.roles import Role
    from digihub.funding import demo as funding_demo
    from digihub.network import demo as network_demo
    from digihub.network.models import (
        Chamber,
        Hub,
        KnowledgePartner,
        PartnerKind,
        Province,
        Region,
        Theme,
    )

    network_demo.build()  # themes and the Flemish registry the demo users refer to
    themes = list(Theme.objects.all())
    password = make_password("digihub-demo-2026")
    hubs = []
    for h in range(1, scale + 1):
        province, _ = Province.objects.get_or_create(
            code=f"EU{h:03d}",
            defaults={"name_nl": f"Regio {h}", "name_en": f"Region {h}", "region": Region.FLANDERS},
        )
        chamber, _ = Chamber.objects.get_or_create(
            short_name=f"Kamer {h}", defaults={"name": f"Bench Kamer {h}"}
        )
        hub, _ = Hub.objects.get_or_create(
            province=province, defaults={"name": f"Bench Hub {h}", "chamber": chamber}
        )
        partners = []
        for k in range(1, 6):
            partner, _ = KnowledgePartner.objects.get_or_create(
                short_name=f"P{h}-{k}",
                defaults={
                    "name": f"Bench partner {h}-{k}",
                    "kind": PartnerKind.RESEARCH_CENTRE,
                    "capacity": 400,
                },
            )
            partner.themes.set(themes[k % len(themes) : k % len(themes) + 2])
            partners.append(partner)
        hub.partners.set(partners)
        User.objects.get_or_create(
            email=f"advisor{h}@bench.digihub.be",
            defaults={
                "role": Role.ADVISOR,
                "chamber": chamber,
                "is_demo": True,
                "password": password,
                "first_name": "Bench",
                "last_name": f"Adviseur {h}",
            },
        )
        User.objects.get_or_create(
            email=f"partner{h}@bench.digihub.be",
            defaults={
                "role": Role.PARTNER,
                "partner": partners[0],
                "is_demo": True,
                "password": password,
                "first_name": "Bench",
                "last_name": f"Partner {h}",
            },
        )
        hubs.append(hub)
    for role in (Role.COORDINATOR, Role.OFFICER):
        User.objects.get_or_create(
            email=f"{role}@bench.digihub.be",
            defaults={"role": role, "is_demo": True, "password": password},
        )
    funding_demo.build()  # programmes, sources, rates and a budget per hub
    return {"hubs": hubs}


def big_tables(scale: int) -> dict[str, int]:
    from django.apps import apps

    get = apps.get_model
    companies = scale * COMPANIES_PER_HUB
    questions = int(companies * 1.3)
    counts: dict[str, int] = {}
    hubs = "(SELECT array_agg(id ORDER BY id) FROM network_hub WHERE name LIKE 'Bench Hub %')"
    common = f"generate_series(1, {{n}}) AS i, (SELECT {hubs} AS hubs) h"
    hub_of = "h.hubs[1 + (i - 1) % array_length(h.hubs, 1)]"
    counts["companies"] = insert(
        get("companies.Company"),
        common.format(n=companies),
        {
            "enterprise_number": "lpad(((10000000 + i)::bigint * 100 + 97 - ((10000000 + i)::bigint * 100) % 97)::text, 10, '0')",
            "name": "'Bedrijf ' || i",
            "legal_form": "'BV'",
            "nace_main": "(ARRAY['25.110','62.010','47.910','10.710','52.290'])[1 + i % 5]",
            "nace_section": "(ARRAY['C','J','G','C','H'])[1 + i % 5]",
            "postcode": "'1000'",
            "city": "'Stad ' || (i % 500)",
            "province_id": f"(SELECT province_id FROM network_hub WHERE id = {hub_of})",
            "chamber_id": f"(SELECT chamber_id FROM network_hub WHERE id = {hub_of})",
            "hub_id": hub_of,
            "employees": "1 + i % 200",
            "size_class": "(ARRAY['micro','micro','small','small','medium','large'])[1 + i % 6]",
            "created_at": "now() - (i % 900) * interval '1 day'",
            "updated_at": "now()",
            "version": "1",
        },
    )
    counts["contacts"] = insert(
        get("companies.Contact"),
        "companies_company c",
        {
            "company_id": "c.id",
            "first_name": "'Jan'",
            "last_name": "'Peeters ' || c.id",
            "email": "'contact' || c.id || '@bench.example'",
            "created_at": "c.created_at",
        },
    )
    first_company = "(SELECT min(id) FROM companies_company)"
    # Question i belongs to company (i-1) % C; its outcome follows a hash of i, so every hub gets every outcome.
    counts["questions"] = insert(
        get("intake.Question"),
        f"generate_series(1, {questions}) AS i, {first_company} AS c0(first)",
        {
            "reference": "'BQ-' || i",
            "company_id": f"c0.first + (i - 1) % {companies}",
            "chamber_id": f"(SELECT chamber_id FROM companies_company WHERE id = c0.first + (i - 1) % {companies})",
            "hub_id": f"(SELECT hub_id FROM companies_company WHERE id = c0.first + (i - 1) % {companies})",
            "registered_at": "now() - (30 + i % 700) * interval '1 day'",
            "channel": "(ARRAY['public','advisor','partner'])[1 + i % 3]",
            "text": "'Digitaliseringsvraag ' || i",
            "status": "CASE WHEN abs(hashtext(i::text)) % 10 = 9 THEN 'new' ELSE 'decided' END",
            "decision": "CASE WHEN abs(hashtext(i::text)) % 10 < 8 THEN 'trajectory' WHEN abs(hashtext(i::text)) % 10 = 8 THEN 'no_trajectory' ELSE '' END",
            "route": "CASE WHEN abs(hashtext(i::text)) % 10 = 8 THEN (ARRAY['commercial_partner','programme_product','chamber_product','agency_referral'])[1 + i % 4] ELSE '' END",
            "decided_at": "CASE WHEN abs(hashtext(i::text)) % 10 = 9 THEN NULL ELSE now() - (10 + i % 700) * interval '1 day' END",
            "last_activity_at": "now() - (i % 60) * interval '1 day'",
            "first_conversation_on": "(now() - (25 + i % 700) * interval '1 day')::date",
            "outside_target_group": "false",
        },
    )
    counts["transitions"] = insert(
        get("intake.QuestionTransition"),
        "intake_question q WHERE q.status = 'decided'",
        {
            "question_id": "q.id",
            "from_status": "'in_progress'",
            "to_status": "'decided'",
            "at": "q.decided_at",
            "decision": "q.decision",
            "route": "q.route",
        },
    )
    counts["conversations"] = insert(
        get("intake.Conversation"),
        "intake_question q WHERE q.first_conversation_on IS NOT NULL",
        {
            "question_id": "q.id",
            "kind": "'exploratory'",
            "held_on": "q.first_conversation_on",
            "participants": "'adviseur en kmo'",
            "created_at": "now()",
        },
    )
    # Trajectories: phase by id % 20 — 25 % completed, 30 % execution, 20 % quote, 15 % start-up, 10 % stopped.
    phase = (
        "CASE WHEN abs(hashtext('p' || q.id)) % 20 < 5 THEN 'completed' WHEN abs(hashtext('p' || q.id)) % 20 < 11 THEN 'execution' WHEN abs(hashtext('p' || q.id)) % 20 < 15 THEN 'quote' "
        "WHEN abs(hashtext('p' || q.id)) % 20 < 18 THEN 'startup' ELSE 'stopped' END"
    )
    counts["trajectories"] = insert(
        get("trajectories.Trajectory"),
        "intake_question q WHERE q.decision = 'trajectory'",
        {
            "reference": "'BT-' || q.id",
            "company_id": "q.company_id",
            "hub_id": "q.hub_id",
            "chamber_id": "q.chamber_id",
            "advisor_id": "(SELECT id FROM accounts_user u WHERE u.chamber_id = q.chamber_id LIMIT 1)",
            "partner_id": "(SELECT kp.id FROM network_hub_partners kp WHERE kp.hub_id = q.hub_id ORDER BY kp.id LIMIT 1 OFFSET abs(hashtext('kp' || q.id)) % 5)",
            "question_id": "q.id",
            "phase": phase,
            "started_at": "q.decided_at",
            "phase_changed_at": "q.decided_at + interval '40 days'",
            "quote_signed_at": "CASE WHEN abs(hashtext('p' || q.id)) % 20 < 11 THEN q.decided_at + interval '30 days' END",
            "completed_at": "CASE WHEN abs(hashtext('p' || q.id)) % 20 < 5 THEN q.decided_at + interval '90 days' END",
            "stopped_at": "CASE WHEN abs(hashtext('p' || q.id)) % 20 >= 18 THEN q.decided_at + interval '20 days' END",
            "stop_reason": "CASE WHEN abs(hashtext('p' || q.id)) % 20 >= 18 THEN 'uitgesteld' ELSE '' END",
        },
    )
    from django.db import connection

    with (
        connection.cursor() as cursor
    ):  # the partner lookup above used the m2m row id; map it to the partner
        cursor.execute(
            "UPDATE trajectories_trajectory t SET partner_id = hp.knowledgepartner_id FROM network_hub_partners hp WHERE hp.id = t.partner_id"
        )
    span = get("trajectories.PhaseSpan")
    t = "trajectories_trajectory t"
    counts["spans"] = insert(
        span,
        t,
        {
            "trajectory_id": "t.id",
            "phase": "'startup'",
            "entered_at": "t.started_at",
            "left_at": "CASE WHEN t.phase = 'startup' THEN NULL WHEN t.phase = 'stopped' THEN t.stopped_at ELSE t.started_at + interval '10 days' END",
        },
    )
    counts["spans"] += insert(
        span,
        f"{t} WHERE t.phase IN ('quote','execution','completed')",
        {
            "trajectory_id": "t.id",
            "phase": "'quote'",
            "entered_at": "t.started_at + interval '10 days'",
            "left_at": "CASE WHEN t.phase = 'quote' THEN NULL ELSE t.quote_signed_at END",
        },
    )
    counts["spans"] += insert(
        span,
        f"{t} WHERE t.phase IN ('execution','completed')",
        {
            "trajectory_id": "t.id",
            "phase": "'execution'",
            "entered_at": "t.quote_signed_at",
            "left_at": "CASE WHEN t.phase = 'execution' THEN NULL ELSE t.completed_at END",
        },
    )
    counts["spans"] += insert(
        span,
        f"{t} WHERE t.phase IN ('completed','stopped')",
        {
            "trajectory_id": "t.id",
            "phase": "t.phase",
            "entered_at": "coalesce(t.completed_at, t.stopped_at)",
            "left_at": "NULL",
        },
    )
    counts["quotes"] = insert(
        get("trajectories.Quote"),
        f"{t} WHERE t.phase IN ('quote','execution','completed')",
        {
            "trajectory_id": "t.id",
            "number": "1",
            "scope": "'Technische analyse'",
            "valid_until": "(t.started_at + interval '70 days')::date",
            "total": "6000 + (t.id % 50) * 100",
            "status": "CASE WHEN t.phase = 'quote' THEN 'issued' ELSE 'signed' END",
            "revision": "1",
            "created_at": "t.started_at + interval '10 days'",
            "issued_at": "t.started_at + interval '12 days'",
            "pdf_sha256": "md5(t.id::text) || md5(t.reference)",
            "signed_at": "t.quote_signed_at",
            "signed_by_name": "CASE WHEN t.quote_signed_at IS NULL THEN '' ELSE 'zaakvoerder' END",
        },
    )
    counts["quote_lines"] = insert(
        get("trajectories.QuoteLine"),
        "trajectories_quote q",
        {
            "quote_id": "q.id",
            "description": "'Analyse en testdagen'",
            "days": "q.total / 1000",
            "day_rate": "1000",
            "amount": "q.total",
        },
    )
    counts["sessions"] = insert(
        get("trajectories.Session"),
        f"{t} WHERE t.phase = 'execution'",
        {
            "trajectory_id": "t.id",
            "kind": "'test_day'",
            "title": "'Testdag'",
            "starts_at": "now() + (t.id % 30) * interval '1 day'",
            "ends_at": "now() + (t.id % 30) * interval '1 day' + interval '6 hours'",
            "place": "'lab'",
        },
    )
    counts["advice"] = insert(
        get("trajectories.Advice"),
        f"{t} WHERE t.phase = 'completed'",
        {
            "trajectory_id": "t.id",
            "kind": "'action_plan'",
            "delivered_on": "t.completed_at::date",
            "summary": "'Actieplan'",
        },
    )
    # Ledger: one commitment per source for every signed quote, expenditure for completed ones.
    guidance = (
        "(SELECT pt.id AS type_id, pt.programme_id FROM funding_projecttype pt JOIN funding_programme p ON p.id = pt.programme_id "
        "WHERE p.code = 'voka-digihub-efro' AND pt.kind = 'guidance') g"
    )
    rates = "(SELECT sr.source_id, sr.rate, sr.project_type_id FROM funding_sourcerate sr) r"
    quote_ct = (
        "(SELECT id FROM django_content_type WHERE app_label = 'trajectories' AND model = 'quote')"
    )
    signed = f"trajectories_quote q JOIN trajectories_trajectory t ON t.id = q.trajectory_id, {guidance}, {rates}"
    entry = get("funding.LedgerEntry")
    for kind, where in (("commit", "q.status = 'signed'"), ("spend", "t.phase = 'completed'")):
        counts[f"ledger_{kind}"] = insert(
            entry,
            f"{signed} WHERE r.project_type_id = g.type_id AND {where}",
            {
                "programme_id": "g.programme_id",
                "hub_id": "t.hub_id",
                "project_type_id": "g.type_id",
                "source_id": "r.source_id",
                "kind": f"'{kind}'",
                "amount": "round(q.total * r.rate, 2)",
                "company_id": "t.company_id",
                "document_type_id": quote_ct,
                "document_id": "q.id::text",
                "document_label": "t.reference",
                "booked_on": "coalesce(t.completed_at, q.signed_at)::date"
                if kind == "spend"
                else "q.signed_at::date",
                "created_at": "q.signed_at",
                "reason": f"'{kind}'",
            },
        )
    counts["payments"] = insert(
        get("funding.PaymentRequest"),
        f"{signed} JOIN funding_fundingsource s ON s.id = r.source_id WHERE r.project_type_id = g.type_id AND q.status = 'signed' AND s.code = 'private_sme'",
        {
            "company_id": "t.company_id",
            "programme_id": "g.programme_id",
            "hub_id": "t.hub_id",
            "amount": "round(q.total * r.rate, 2)",
            "structured_communication": "lpad(q.id::text, 10, '0') || lpad((CASE WHEN q.id % 97 = 0 THEN 97 ELSE q.id % 97 END)::text, 2, '0')",
            "document_type_id": quote_ct,
            "document_id": "q.id::text",
            "document_label": "t.reference",
            "status": "CASE WHEN q.id % 3 = 0 THEN 'requested' ELSE 'paid' END",
            "paid_amount": "CASE WHEN q.id % 3 = 0 THEN 0 ELSE round(q.total * r.rate, 2) END",
            "due_date": "(q.signed_at + interval '30 days')::date",
            "created_at": "q.signed_at",
            "paid_at": "CASE WHEN q.id % 3 = 0 THEN NULL ELSE q.signed_at + interval '14 days' END",
        },
    )
    # What was paid came in as one receipt (what the report counts as received).
    counts["receipts"] = insert(
        get("funding.Receipt"),
        "funding_paymentrequest p WHERE p.status = 'paid'",
        {
            "request_id": "p.id",
            "amount": "p.amount",
            "received_on": "p.paid_at::date",
            "payer_name": "'kmo'",
            "created_at": "p.paid_at",
        },
    )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=int, default=1, help="number of hubs (1 = one province, 200 = Europe)"
    )
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/digihub_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIGIHUB_TESTING", "1")
    _ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    started = time.perf_counter()
    call_command(
        "flush", "--noinput", verbosity=0
    ) if connection.introspection.table_names() else None
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        reference_data(args.scale)
        counts = big_tables(args.scale)
    facts_started = time.perf_counter()
    # The big tables were written in SQL, as an import does: the report facts follow in one
    # rebuild (digihub.reporting.facts).
    call_command("rebuild_report_facts", verbosity=0)
    counts["report facts (s)"] = round(time.perf_counter() - facts_started)
    with connection.cursor() as cursor:
        # As autovacuum leaves a live database: statistics and visibility maps in place, so
        # index-only scans are possible.
        cursor.execute("VACUUM ANALYZE")
    elapsed = time.perf_counter() - started
    print(
        f"scale {args.scale}: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        + f" in {elapsed:.0f} s"
    )


if __name__ == "__main__":
    main()
