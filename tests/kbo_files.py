"""Small KBO/BCE open data extracts in the published format (every value quoted, numbers with
dots, dates dd-mm-yyyy), for the registry tests and the benchmark."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

HEADERS = {
    "meta": ("Variable", "Value"),
    "code": ("Category", "Code", "Language", "Description"),
    "enterprise": (
        "EnterpriseNumber",
        "Status",
        "JuridicalSituation",
        "TypeOfEnterprise",
        "JuridicalForm",
        "JuridicalFormCAC",
        "StartDate",
    ),
    "establishment": ("EstablishmentNumber", "StartDate", "EnterpriseNumber"),
    "denomination": ("EntityNumber", "Language", "TypeOfDenomination", "Denomination"),
    "address": (
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
    ),
    "contact": ("EntityNumber", "EntityContact", "ContactType", "Value"),
    "activity": ("EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification"),
    "branch": ("Id", "StartDate", "EnterpriseNumber"),
}
DELETE_KEYS = {
    "enterprise": ("EnterpriseNumber",),
    "establishment": ("EstablishmentNumber",),
    "branch": ("Id",),
}


def dotted(number: str) -> str:
    if number.startswith(("0", "1")):
        return f"{number[:4]}.{number[4:7]}.{number[7:]}"
    return f"{number[0]}.{number[1:4]}.{number[4:7]}.{number[7:]}"


def valid_number(n: int) -> str:
    """A ten-digit enterprise number with a correct check (mod 97)."""
    return f"{n:08d}{97 - n % 97:02d}"


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_extract(
    path: Path,
    *,
    number: int,
    kind: str,
    tables: Mapping[str, Sequence[Sequence[str]]],
    snapshot: str = "01-11-2026",
) -> Path:
    """``tables``: for a full extract {"enterprise": rows, …}; for an update
    {"enterprise_delete": keys, "enterprise_insert": rows, …}."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        meta = [
            ("SnapshotDate", snapshot),
            ("ExtractTimestamp", f"{snapshot} 06:00:00"),
            ("ExtractType", kind),
            ("ExtractNumber", str(number)),
            ("Version", "1.0.0"),
        ]
        archive.writestr("meta.csv", csv_text(HEADERS["meta"], meta))
        for name, rows in tables.items():
            base = name.split("_")[0]
            header: Sequence[str]
            if name.endswith("_delete"):
                header = DELETE_KEYS.get(base, ("EntityNumber",))
            else:
                header = HEADERS[base]
            archive.writestr(f"{name}.csv", csv_text(header, rows))
    return path
