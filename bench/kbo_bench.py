"""KBO/BCE open data at full size: generate an extract, import it, time the look-up.

    .venv/bin/python bench/kbo_bench.py                  # 2,000,000 enterprises (the real size)
    .venv/bin/python bench/kbo_bench.py --scale 200000   # a tenth
    .venv/bin/python bench/kbo_bench.py --zip            # as the published ZIP (slower: inflate)

The files follow the published format exactly (every value quoted, numbers ``0201.310.929``,
dates ``dd-mm-yyyy``) with the proportions of the real extract: per enterprise about 1.3
denominations (Dutch and French names, abbreviations, commercial names), 0.2 establishment
units, a seat address (or only an establishment's address), 2.5 activity rows over NACE 2003,
2008 and 2025. The database in DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/digihub_kbo_bench) is created and migrated; the import is
``digihub.registry.kbo.import_extract`` (what ``manage.py import_kbo`` runs). Then the name
look-up (``digihub.registry.lookup.search``) runs for typed prefixes, whole words and misspelt
words, and by number; p50/p95/p99 are printed. Targets: import < 5 min on 2 cores, look-up p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "bakkerij",
    "slagerij",
    "brouwerij",
    "drukkerij",
    "schrijnwerkerij",
    "garage",
    "transport",
    "bouw",
    "elektro",
    "sanitair",
    "dakwerken",
    "tuinaanleg",
    "schilderwerken",
    "consult",
    "advies",
    "software",
    "digital",
    "data",
    "cloud",
    "logistics",
    "invest",
    "immo",
    "vastgoed",
    "holding",
    "management",
    "services",
    "solutions",
    "systems",
    "technics",
    "engineering",
    "design",
    "media",
    "marketing",
    "communicatie",
    "events",
    "catering",
    "horeca",
    "food",
    "trading",
    "import",
    "export",
    "metaal",
    "hout",
    "kunststof",
    "textiel",
    "mode",
    "schoenen",
    "optiek",
    "apotheek",
    "dental",
    "medical",
    "zorg",
    "kinesitherapie",
    "architecten",
    "notaris",
    "advocaten",
    "boekhouding",
    "fiscaal",
    "verzekeringen",
    "boulangerie",
    "boucherie",
    "brasserie",
    "imprimerie",
    "menuiserie",
    "construction",
    "électricité",
    "toiture",
    "jardin",
    "peinture",
    "conseil",
    "informatique",
    "gestion",
    "immobilière",
    "transports",
    "nettoyage",
    "sécurité",
]
PLACES = [
    "antwerpen",
    "gent",
    "brugge",
    "leuven",
    "hasselt",
    "mechelen",
    "aalst",
    "kortrijk",
    "oostende",
    "genk",
    "brussel",
    "namur",
    "liège",
    "charleroi",
    "mons",
    "wavre",
    "arlon",
    "tournai",
    "kempen",
    "waasland",
    "meetjesland",
    "westhoek",
    "haspengouw",
    "zuiderkempen",
    "pajottenland",
    "vlaanderen",
    "wallonie",
    "benelux",
    "europa",
    "noord",
    "zuid",
    "oost",
    "west",
]
SURNAMES = [
    "peeters",
    "janssens",
    "maes",
    "jacobs",
    "mertens",
    "willems",
    "claes",
    "goossens",
    "wouters",
    "de_smet",
    "dubois",
    "lambert",
    "dupont",
    "martin",
    "simon",
    "laurent",
    "lemaire",
    "desmet",
    "de_clercq",
    "vermeulen",
    "van_damme",
    "hermans",
    "aerts",
    "michiels",
    "smets",
    "de_backer",
    "stevens",
    "van_de_velde",
    "leclercq",
    "renard",
    "vandenberghe",
    "coppens",
]
FORMS = (("014", "NV"), ("610", "BV"), ("706", "CV"), ("011", "VOF"), ("017", "VZW"), ("", ""))
MUNICIPALITIES = (
    ("1000", "Brussel", "Bruxelles"),
    ("2000", "Antwerpen", "Anvers"),
    ("3000", "Leuven", "Louvain"),
    ("9000", "Gent", "Gand"),
    ("8000", "Brugge", "Bruges"),
    ("3500", "Hasselt", "Hasselt"),
    ("4000", "Luik", "Liège"),
    ("5000", "Namen", "Namur"),
    ("6000", "Charleroi", "Charleroi"),
    ("7000", "Bergen", "Mons"),
    ("2800", "Mechelen", "Malines"),
    ("8500", "Kortrijk", "Courtrai"),
)
NACE = (
    "62010",
    "62020",
    "10710",
    "47240",
    "43210",
    "43221",
    "56101",
    "69201",
    "70220",
    "49410",
    "41201",
    "45201",
    "46900",
    "47190",
    "68201",
    "71111",
    "73110",
    "86210",
    "96021",
    "74101",
)


def dotted(number: int) -> str:
    text = f"{number:010d}"
    return f"{text[:4]}.{text[4:7]}.{text[7:]}"


def unit(number: int) -> str:
    text = f"{number:010d}"
    return f"{text[0]}.{text[1:4]}.{text[4:7]}.{text[7:]}"


def enterprise_number(i: int) -> int:
    base = 20_000_000 + i  # the first eight digits; the last two are the mod-97 check
    return base * 100 + (97 - base % 97)


def _name(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:  # a person's own enterprise
        return f"{rng.choice(SURNAMES).replace('_', ' ').title()} {rng.choice(SURNAMES).replace('_', ' ').title()}"
    words = [rng.choice(WORDS)] + ([rng.choice(PLACES)] if rng.random() < 0.5 else [])
    if rng.random() < 0.4:
        words.append(rng.choice(SURNAMES).replace("_", " "))
    if rng.random() < 0.15:
        words.insert(0, f"{rng.randint(1, 999)}")
    return " ".join(w.title() for w in words)


def generate(folder: Path, scale: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(
        ("enterprise", "establishment", "denomination", "address", "activity"), 0
    )
    files = {
        name: (folder / f"{name}.csv").open("w", newline="", encoding="utf-8")
        for name in (
            "meta",
            "code",
            "enterprise",
            "establishment",
            "denomination",
            "address",
            "contact",
            "activity",
            "branch",
        )
    }
    w = {
        name: csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for name, f in files.items()
    }
    w["meta"].writerows(
        [
            ("Variable", "Value"),
            ("SnapshotDate", "01-11-2026"),
            ("ExtractTimestamp", "01-11-2026 06:00:00"),
            ("ExtractType", "full"),
            ("ExtractNumber", "140"),
            ("Version", "1.0.0"),
        ]
    )
    w["code"].writerow(("Category", "Code", "Language", "Description"))
    for code, short in FORMS:
        if code:
            w["code"].writerow(("JuridicalForm", code, "NL", short))
            w["code"].writerow(("JuridicalForm", code, "FR", short))
    for code in NACE:
        w["code"].writerow(("Nace2008", code, "NL", f"Activiteit {code}"))
        w["code"].writerow(("Nace2025", code, "NL", f"Activiteit {code}"))
    w["code"].writerow(("Status", "AC", "NL", "Actief"))
    w["code"].writerow(("Status", "ST", "NL", "Stopgezet"))
    w["enterprise"].writerow(
        (
            "EnterpriseNumber",
            "Status",
            "JuridicalSituation",
            "TypeOfEnterprise",
            "JuridicalForm",
            "JuridicalFormCAC",
            "StartDate",
        )
    )
    w["establishment"].writerow(("EstablishmentNumber", "StartDate", "EnterpriseNumber"))
    w["denomination"].writerow(("EntityNumber", "Language", "TypeOfDenomination", "Denomination"))
    w["address"].writerow(
        (
            "EntityNumber",
            "TypeOfAddress",
            "CountryNL",
            "CountryFR",
            "Zipcode",
            "MunicipalityNL",
            "MunicipalityFR",
            "StreetNL",
            "StreetFR",
            "HouseNumber",
            "Box",
            "ExtraAddressInfo",
            "DateStrikingOff",
        )
    )
    w["contact"].writerow(("EntityNumber", "EntityContact", "ContactType", "Value"))
    w["activity"].writerow(
        ("EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification")
    )
    w["branch"].writerow(("Id", "StartDate", "EnterpriseNumber"))
    next_unit = 2_000_000_000
    for i in range(scale):
        number = dotted(enterprise_number(i))
        code, _short = rng.choice(FORMS)
        status = "AC" if rng.random() < 0.93 else "ST"
        start = f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{rng.randint(1960, 2026)}"
        w["enterprise"].writerow(
            (
                number,
                status,
                "000" if status == "AC" else "012",
                "2" if code else "1",
                code,
                "",
                start,
            )
        )
        name = _name(rng)
        w["denomination"].writerow((number, "2", "001", f"{name}{' ' + _short if _short else ''}"))
        counts["denomination"] += 1
        if rng.random() < 0.15:
            w["denomination"].writerow((number, "1", "001", name))
            counts["denomination"] += 1
        if rng.random() < 0.15:
            w["denomination"].writerow((number, "2", "003", _name(rng)))
            counts["denomination"] += 1
        zipcode, nl, fr = rng.choice(MUNICIPALITIES)
        street = f"{rng.choice(SURNAMES).replace('_', ' ').title()}straat"
        has_seat = rng.random() < 0.9
        if has_seat:
            w["address"].writerow(
                (
                    number,
                    "REGO",
                    "",
                    "",
                    zipcode,
                    nl,
                    fr,
                    street,
                    street,
                    str(rng.randint(1, 250)),
                    "",
                    "",
                    "",
                )
            )
            counts["address"] += 1
        if not has_seat or rng.random() < 0.12:
            next_unit += 1
            u = unit(next_unit)
            w["establishment"].writerow((u, start, number))
            w["address"].writerow(
                (
                    u,
                    "BAET",
                    "",
                    "",
                    zipcode,
                    nl,
                    fr,
                    street,
                    street,
                    str(rng.randint(1, 250)),
                    "",
                    "",
                    "",
                )
            )
            w["activity"].writerow((u, "001", "2008", rng.choice(NACE), "MAIN"))
            counts["establishment"] += 1
            counts["address"] += 1
            counts["activity"] += 1
        if status == "AC" and rng.random() < 0.8:
            main = rng.choice(NACE)
            w["activity"].writerow((number, "001", "2003", main, "MAIN"))
            w["activity"].writerow((number, "001", "2008", main, "MAIN"))
            w["activity"].writerow((number, "001", "2025", main, "MAIN"))
            counts["activity"] += 3
            if rng.random() < 0.3:
                w["activity"].writerow((number, "001", "2008", rng.choice(NACE), "SECO"))
                counts["activity"] += 1
        if rng.random() < 0.1:
            w["contact"].writerow((number, "ENT", "TEL", f"0{rng.randint(10_000_000, 99_999_999)}"))
        counts["enterprise"] += 1
        if i and i % 500_000 == 0:
            print(f"  generated {i:,} enterprises", flush=True)
    for f in files.values():
        f.close()
    return counts


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _generate_and_import(args: Any) -> tuple[float, float, int, Any]:
    from digihub.registry.kbo import import_extract

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp) / "extract"
        t0 = time.monotonic()
        counts = generate(folder, args.scale)
        generated = time.monotonic() - t0
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(f"generated {counts} — {size / 1e6:.0f} MB in {generated:.0f} s", flush=True)
        source: Path = folder
        if args.zip:
            source = Path(tmp) / "KboOpenData_0140_2026_11_Full.zip"
            with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
                for p in sorted(folder.iterdir()):
                    archive.write(p, p.name)
            print(f"zipped to {source.stat().st_size / 1e6:.0f} MB", flush=True)
        t0 = time.monotonic()
        report = import_extract(source, log=lambda line: print(line, flush=True))
        imported = time.monotonic() - t0

    return generated, imported, size, report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=int, default=2_000_000, help="enterprises (default 2,000,000)"
    )
    parser.add_argument("--dir", help="where to write the files (default: a temporary directory)")
    parser.add_argument(
        "--zip", action="store_true", help="import the files as one ZIP, as published"
    )
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--reuse", action="store_true", help="time the look-up on the extract imported before"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/digihub_kbo_bench")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    _ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from digihub.registry import lookup
    from digihub.registry.models import ImportRun

    call_command("migrate", verbosity=0)
    generated = imported = 0.0
    size = 0
    report: Any = None
    if not args.reuse:
        ImportRun.objects.all().delete()  # so that the same extract number imports again
        generated, imported, size, report = _generate_and_import(args)
    rng = random.Random(11)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search FROM registry_denomination TABLESAMPLE SYSTEM (1) REPEATABLE (11) LIMIT 2000"
        )
        names = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT number FROM registry_enterprise TABLESAMPLE SYSTEM (1) REPEATABLE (11) LIMIT 500"
        )
        numbers = [row[0] for row in cursor.fetchall()]
    queries: list[tuple[str, str]] = []
    for _ in range(args.queries):
        name = rng.choice(names)
        word = rng.choice(name.split())
        typo = word[:-2] + word[-1] + word[-2] if len(word) > 4 else word
        queries += [("prefix", name[: rng.randint(3, 8)]), ("word", word), ("misspelt", typo)]
    queries += [("number", dotted(int(n))) for n in numbers[: args.queries // 3]]
    lookup.search("warm up")
    from django.test.utils import CaptureQueriesContext

    times: dict[str, list[float]] = {}
    statements: dict[str, int] = {}
    found = 0
    for kind, q in queries:
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            hits = lookup.search(q)
            times.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
        statements[kind] = statements.get(kind, 0) + len(captured)
        found += bool(hits)
    statements["all"] = sum(statements.values())
    every = [v for vs in times.values() for v in vs]
    print()
    print(
        f"KBO bench, {args.scale:,} enterprises, PostgreSQL {connection.pg_version // 10000}, "
        f"{os.cpu_count()} cores, trigram: {lookup.has_trigram()}"
    )
    if report is not None:
        print(f"  generate: {generated:.0f} s ({size / 1e6:.0f} MB)")
        print(
            f"  import:   {imported:.0f} s (target < 300 s) — "
            + ", ".join(f"{n} {r:,} rows {s:.0f} s" for n, r, s, _m in report.files if r)
        )
    for kind, values in [*times.items(), ("all", every)]:
        print(
            f"  look-up {kind:9s} n={len(values):4d} p50 {statistics.median(values):6.1f} ms "
            f"p95 {percentile(values, 95):6.1f} ms p99 {percentile(values, 99):6.1f} ms, "
            f"{statements[kind] / len(values):.1f} queries"
        )
    print(f"  queries with a result: {found} of {len(queries)} (target p95 < 50 ms)")


if __name__ == "__main__":
    main()
