"""The two seed programmes as data (seed 000 answer 1e, seed 003)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from digihub.network.models import Chamber, Hub

from .models import (
    FundingSource,
    HubBudget,
    Payee,
    Payer,
    Programme,
    ProjectKind,
    ProjectType,
    ReportingPeriod,
    SourceRate,
)

SOURCES = [
    ("efro", "EFRO", "ERDF (EFRO)", "FEDER", Payer.EU, True, 1),
    (
        "flemish",
        "Vlaamse cofinanciering",
        "Flemish co-financing",
        "Cofinancement flamand",
        Payer.REGION,
        True,
        2,
    ),
    (
        "private_chamber",
        "Privaat (kamer)",
        "Private (chamber)",
        "Privé (chambre)",
        Payer.CHAMBER,
        False,
        3,
    ),
    ("private_sme", "Privaat (kmo)", "Private (SME)", "Privé (PME)", Payer.SME, False, 4),
]

VOKA: dict[str, Any] = {
    "code": "voka-digihub-efro",
    "name": "Voka-Digihub (EFRO)",
    "start": dt.date(2020, 7, 1),
    "end": dt.date(2027, 6, 30),
    "types": [
        (
            1,
            "Werking (communicatie, platform, coördinatie, evaluatie)",
            "Operation (communication, platform, coordination, evaluation)",
            "Fonctionnement (communication, plateforme, coordination, évaluation)",
            ProjectKind.OPERATION,
            {"efro": "0.40", "flemish": "0.10", "private_chamber": "0.50"},
            Decimal("112500"),
        ),
        (
            2,
            "Begeleiding van kmo's",
            "Guidance of SMEs",
            "Accompagnement des PME",
            ProjectKind.GUIDANCE,
            {"efro": "0.40", "flemish": "0.30", "private_sme": "0.30"},
            Decimal("1387500"),
        ),
    ],
    # As the minister's answer states them (seed 000, 1e).
    "declared": {
        "per_hub_total": "1500000",
        "per_hub_efro": "600000",
        "per_hub_flemish": "427500",
        "per_hub_private": "472500",
        "per_hub_type1_subsidy": "56250",
        "per_hub_type2_subsidy": "970000",
    },
    "caps": {
        "max_subsidy_per_trajectory": Decimal("35000"),
        "max_subsidy_per_company": Decimal("70000"),
    },
}

DEL_2020: dict[str, Any] = {
    "code": "del-2020",
    "name": "Digital Experience Labs (oproep 2020)",
    "start": dt.date(2020, 9, 1),
    "end": dt.date(2022, 8, 31),
    # 999,000 of 1,500,000 is 66.6 % subsidy; split here as EFRO 40 % + Flemish 26.6 %.
    "types": [
        (
            1,
            "Digital Experience Lab",
            "Digital Experience Lab",
            "Digital Experience Lab",
            ProjectKind.OPERATION,
            {"efro": "0.40", "flemish": "0.266", "private_chamber": "0.334"},
            Decimal("1500000"),
        ),
    ],
    "declared": {
        "per_hub_total": "1500000",
        "per_hub_type1_subsidy": "999000",
        "total": "7500000",
        "total_subsidy": "5000000",
    },
    "caps": {"max_subsidy_per_hub": Decimal("999000"), "total_subsidy_cap": Decimal("5000000")},
}


@transaction.atomic
def build() -> None:
    """One transaction: on PostgreSQL a version's rates must add up to 100 % when it commits."""
    sources = {}
    for code, nl, en, fr, payer, subsidy, order in SOURCES:
        sources[code], _ = FundingSource.objects.update_or_create(
            code=code,
            defaults={
                "name_nl": nl,
                "name_en": en,
                "name_fr": fr,
                "payer": payer,
                "is_subsidy": subsidy,
                "order": order,
            },
        )
    hubs = list(Hub.objects.all())
    for spec in (VOKA, DEL_2020):
        programme, _ = Programme.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "start": spec["start"],
                "end": spec["end"],
                "declared": spec["declared"],
                **spec["caps"],
            },
        )
        for number, nl, en, fr, kind, rates, budget in spec["types"]:
            project_type, _ = ProjectType.objects.update_or_create(
                programme=programme,
                number=number,
                defaults={"name_nl": nl, "name_en": en, "name_fr": fr, "kind": kind},
            )
            for code, rate in rates.items():
                SourceRate.history.update_or_create(
                    project_type=project_type,
                    source=sources[code],
                    version=project_type.rate_version,
                    defaults={"rate": Decimal(rate), "valid_from": programme.start},
                )
            for hub in hubs:
                HubBudget.objects.get_or_create(
                    programme=programme,
                    hub=hub,
                    project_type=project_type,
                    defaults={"amount": budget},
                )
        _payees(programme)
        year = programme.start.year
        while dt.date(year, 1, 1) <= programme.end:
            ReportingPeriod.objects.get_or_create(
                programme=programme,
                name=str(year),
                defaults={
                    "start": max(dt.date(year, 1, 1), programme.start),
                    "end": min(dt.date(year, 12, 31), programme.end),
                },
            )
            year += 1


def _payees(programme: Programme) -> None:
    """The account each chamber receives the SMEs' shares on, and one for the programme itself
    (demo accounts: valid Belgian IBANs, made from a bank code and a serial number)."""
    from schwifty import IBAN

    from .payees import check_bic

    def account(bank: str, serial: int) -> tuple[str, str]:
        iban = str(IBAN.generate("BE", bank_code=bank, account_code=f"{serial:07d}").compact)
        return iban, check_bic("", iban=iban)

    iban, bic = account("096", 1_000_000 + programme.pk)
    Payee.objects.get_or_create(
        programme=programme,
        chamber=None,
        defaults={"name": programme.name[:70], "iban": iban, "bic": bic},
    )
    for chamber in Chamber.objects.order_by("pk"):
        iban, bic = account("735", 2_000_000 + chamber.pk)
        Payee.objects.get_or_create(
            programme=None,
            chamber=chamber,
            defaults={"name": chamber.name[:70], "iban": iban, "bic": bic},
        )
