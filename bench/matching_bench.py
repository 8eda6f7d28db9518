"""Rank a question against 1,000 knowledge partners at the European benchmark scale.

    .venv/bin/python bench/matching_bench.py --scale 200     # generate (about 15 min), then time
    .venv/bin/python bench/matching_bench.py --reuse         # time on the database already there

The network comes from ``generate.py`` (200 hubs × 5 partners = 1,000 partners, 1,040,000
trajectories with phase history). On top of it this script writes the rest of a partner's
history the generator leaves out — an expertise text in its themes' words, satisfaction surveys
for the completed trajectories — then times, on PostgreSQL (``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/digihub_matching``):

* ``refresh``: the stored track records of every partner (aggregated over the million
  trajectories; done in the background, at most once per ``DIGIHUB_MATCHING_RECORD_SECONDS``);
* ``rank``: ``rank_knowledge_partners(question, limit=10)`` — what the question page runs —
  for questions of different hubs, p50/p95 over the runs, with its query count;
* the text fit alone for 1,000 partners, PostgreSQL full-text search and the token fallback.
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

WORDS = {
    "ai": "machine learning, beeldherkenning en voorspellende modellen",
    "iot": "sensoren, IoT en meetdata van machines",
    "data": "dashboards, data-analyse en datakwaliteit",
    "cyber": "cybersecurity, phishing en toegangsbeheer",
    "robotics": "robots, cobots en automatisering",
    "ecommerce": "webshops en online verkoop",
    "erp": "ERP, planning en voorraadbeheer",
    "cloud": "cloud, hosting en migratie",
    "xr": "digitale tweeling, augmented reality en simulatie",
    "3dprint": "3D-printen en additieve productie",
}
QUESTIONS = [
    ("iot", "Wij willen sensoren op onze machines om trillingen te meten en onderhoud te plannen."),
    ("ai", "Kan beeldherkenning fouten in onze productie vinden?"),
    ("erp", "Onze planning en voorraad zitten in Excel; welk ERP past bij ons?"),
    ("cyber", "Na een phishing-aanval willen we onze beveiliging laten doorlichten."),
    ("ecommerce", "We willen een webshop naast onze winkel."),
]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def history_layer() -> None:
    """Expertise texts and surveys the generator does not write (set-based, idempotent)."""
    from django.db import connection

    from digihub.network.models import KnowledgePartner, Theme

    codes = dict(Theme.objects.values_list("pk", "code"))
    through = KnowledgePartner.themes.through
    texts: dict[int, list[str]] = {}
    for partner_id, theme_id in through.objects.values_list("knowledgepartner_id", "theme_id"):
        texts.setdefault(partner_id, []).append(WORDS.get(codes.get(theme_id, ""), ""))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE network_knowledgepartner p SET expertise = v.doc FROM "
            "(SELECT unnest(%s::integer[]) AS id, unnest(%s::text[]) AS doc) v WHERE p.id = v.id",
            [list(texts), ["Begeleiding rond " + "; ".join(t) + "." for t in texts.values()]],
        )
        cursor.execute(
            "INSERT INTO trajectories_survey (trajectory_id, score, comment, answered_at) "
            "SELECT t.id, 1 + abs(hashtext('s' || t.id)) % 5, '', t.completed_at + interval '7 days' "
            "FROM trajectories_trajectory t LEFT JOIN trajectories_survey s ON s.trajectory_id = t.id "
            "WHERE t.phase = 'completed' AND s.id IS NULL AND t.id % 3 = 0"
        )
        cursor.execute("ANALYZE trajectories_survey")
        # The generator gives every partner a capacity of 400 below its ~520 running
        # trajectories: spread it around the load instead, so that some partners have room.
        cursor.execute(
            "UPDATE network_knowledgepartner p SET capacity = greatest(1, l.n - 60 + (p.id * 37) % 200) "
            "FROM (SELECT partner_id, count(*) AS n FROM trajectories_trajectory "
            "WHERE phase IN ('quote', 'execution') GROUP BY partner_id) l WHERE l.partner_id = p.id"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=200, help="hubs to generate (5 partners each)")
    parser.add_argument("--reuse", action="store_true", help="use the generated database as it is")
    parser.add_argument("--runs", type=int, default=40, help="rankings to time")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/digihub_matching")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIGIHUB_TESTING", "1")
    if not args.reuse:
        import subprocess

        subprocess.run(  # noqa: S603 - the generator next to this script
            [sys.executable, str(ROOT / "bench" / "generate.py"), "--scale", str(args.scale)],
            check=True,
        )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digihub.intake.models import Question
    from digihub.matching import history, text
    from digihub.matching.ranking import partner_documents, rank_knowledge_partners
    from digihub.network.models import Hub, KnowledgePartner, Theme

    # generate.py migrated the whole database; a reused one needs at least this app's tables.
    call_command("migrate", "matching", verbosity=0)
    started = time.perf_counter()
    history_layer()
    print(f"history layer (expertise, surveys): {time.perf_counter() - started:.1f} s")
    partners = KnowledgePartner.objects.filter(active=True).count()
    trajectories = connection.cursor()
    trajectories.execute("SELECT count(*) FROM trajectories_trajectory")
    print(f"partners {partners:,}, trajectories {trajectories.fetchone()[0]:,}")

    started = time.perf_counter()
    history.refresh()
    print(f"refresh of the stored track records: {time.perf_counter() - started:.1f} s")

    hubs = list(Hub.objects.order_by("pk").values_list("pk", flat=True))
    themes = {t.code: t for t in Theme.objects.all()}
    questions = []
    for i in range(args.runs):
        q = (
            Question.objects.filter(hub_id=hubs[(i * 37) % len(hubs)])
            .select_related("company", "hub__province")
            .first()
        )
        if q is None:
            continue
        code, words = QUESTIONS[i % len(QUESTIONS)]
        # Not saved: the ranking reads the question as it is in memory, themes included.
        q.text = words
        q._prefetched_objects_cache = {"themes": Theme.objects.filter(pk=themes[code].pk)}
        questions.append(q)
    for method in ("tokens", "postgres"):
        rank_knowledge_partners(questions[0], method=method)  # warm-up: caches, plans
        timings = []
        with CaptureQueriesContext(connection) as queries:
            for q in questions:
                started = time.perf_counter()
                ranked = rank_knowledge_partners(q, limit=10, method=method)
                timings.append((time.perf_counter() - started) * 1000)
        per_rank = round(len(queries.captured_queries) / max(1, len(questions)), 1)
        print(
            f"rank 1 question against {partners:,} partners (limit 10, text: {method}), "
            f"{len(timings)} runs: p50 {statistics.median(timings):.0f} ms, "
            f"p95 {_percentile(timings, 0.95):.0f} ms, max {max(timings):.0f} ms, "
            f"{per_rank} queries each"
        )
    print("  top 3 of the last:", [(c.partner.short_name, c.score) for c in ranked[:3]])
    print("  its reasons:", [r.text for r in ranked[0].reasons])

    documents = {pk: doc for pk, (_name, doc) in partner_documents("knowledge").items()}
    for method in ("postgres", "tokens"):
        runs = []
        for _code, words in QUESTIONS * 4:
            started = time.perf_counter()
            text.fit(words, documents, using=method)
            runs.append((time.perf_counter() - started) * 1000)
        print(
            f"text fit alone, {method}: p50 {statistics.median(runs):.1f} ms, "
            f"p95 {_percentile(runs, 0.95):.1f} ms for {len(documents):,} partners"
        )


if __name__ == "__main__":
    main()
