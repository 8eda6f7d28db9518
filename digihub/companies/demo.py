"""Some hundred fictional companies with valid enterprise numbers, spread over the provinces."""

from __future__ import annotations

import random
from decimal import Decimal

from digihub.network.models import Theme

from .models import Company, Contact, LegalForm
from .services import company_create

PLACES = [
    ("2000", "Antwerpen"),
    ("2800", "Mechelen"),
    ("2300", "Turnhout"),
    ("2440", "Geel"),
    ("2900", "Schoten"),
    ("3500", "Hasselt"),
    ("3600", "Genk"),
    ("3800", "Sint-Truiden"),
    ("3900", "Pelt"),
    ("9000", "Gent"),
    ("9300", "Aalst"),
    ("9100", "Sint-Niklaas"),
    ("9700", "Oudenaarde"),
    ("3000", "Leuven"),
    ("1800", "Vilvoorde"),
    ("1500", "Halle"),
    ("3300", "Tienen"),
    ("1000", "Brussel"),
    ("8500", "Kortrijk"),
    ("8000", "Brugge"),
    ("8800", "Roeselare"),
    ("8400", "Oostende"),
]
PREFIXES = [
    "Vlaams",
    "Noord",
    "Kempisch",
    "Delta",
    "Nova",
    "Alfa",
    "Schelde",
    "Leie",
    "Dijle",
    "Demer",
    "Polder",
    "Maas",
    "Brabo",
    "Zenne",
    "Ijzer",
    "Duin",
    "Hoeve",
    "Atlas",
    "Orion",
    "Lyra",
]
TRADES = [
    ("Metaalbouw", "25.110"),
    ("Bakkerij", "10.710"),
    ("Logistiek", "52.290"),
    ("Houtbewerking", "16.230"),
    ("Software", "62.010"),
    ("Drukkerij", "18.120"),
    ("Installatietechniek", "43.210"),
    ("Kunststoffen", "22.290"),
    ("Voeding", "10.890"),
    ("Textiel", "13.990"),
    ("Transport", "49.410"),
    ("Bouw", "41.200"),
    ("Webshop", "47.910"),
    ("Machinebouw", "28.990"),
    ("Adviesbureau", "70.220"),
    ("Brouwerij", "11.050"),
]
FIRST = [
    "An",
    "Bart",
    "Els",
    "Pieter",
    "Sofie",
    "Tom",
    "Lies",
    "Jan",
    "Nathalie",
    "Koen",
    "Sarah",
    "Wim",
    "Ines",
    "Jonas",
]
LAST = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambrechts",
]


def enterprise_number(base: int) -> str:
    """A ten-digit enterprise number: eight digits and their mod-97 check."""
    check = 97 - (base % 97)
    return f"{base:08d}{check:02d}"


def build(count: int = 100, seed: int = 2021) -> list[Company]:
    rng = random.Random(seed)
    themes = list(Theme.objects.all())
    companies = []
    for index in range(count):
        number = enterprise_number(4_000_000 + index * 7919)
        existing = Company.objects.filter(enterprise_number=number).first()
        if existing:
            companies.append(existing)
            continue
        postcode, city = PLACES[index % len(PLACES)]
        trade, nace = TRADES[rng.randrange(len(TRADES))]
        size = rng.random()
        if size < 0.45:
            employees, turnover = rng.randint(1, 9), Decimal(rng.randint(150, 1900)) * 1000
        elif size < 0.8:
            employees, turnover = rng.randint(10, 49), Decimal(rng.randint(2100, 9500)) * 1000
        elif size < 0.95:
            employees, turnover = rng.randint(50, 249), Decimal(rng.randint(11, 48)) * 1_000_000
        else:
            employees, turnover = rng.randint(260, 900), Decimal(rng.randint(60, 300)) * 1_000_000
        name = f"{PREFIXES[index % len(PREFIXES)]} {trade}"
        if Company.objects.filter(name=name).exists():
            name = f"{name} {index}"
        company = company_create(
            actor=None,
            data={
                "enterprise_number": number,
                "name": name,
                "legal_form": rng.choice([LegalForm.BV, LegalForm.BV, LegalForm.NV, LegalForm.CV]),
                "nace_main": nace,
                "street": f"{rng.choice(['Industrieweg', 'Stationsstraat', 'Kerkstraat', 'Nijverheidslaan'])} {rng.randint(1, 180)}",
                "postcode": postcode,
                "city": city,
                "employees": employees,
                "turnover": turnover,
                "balance_total": (turnover * Decimal("0.6")).quantize(Decimal("1")),
            },
            themes=rng.sample(themes, k=min(2, len(themes))) if themes else None,
            reason="demo data",
        )
        first, last = rng.choice(FIRST), rng.choice(LAST)
        Contact.objects.create(
            company=company,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower().replace(' ', '')}@{name.split()[0].lower()}{index}.example",
            phone=f"+32 4{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            function=rng.choice(
                ["zaakvoerder", "CEO", "operations manager", "IT-verantwoordelijke"]
            ),
        )
        companies.append(company)
    return companies
