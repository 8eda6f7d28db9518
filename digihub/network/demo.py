"""The Flemish network as demo data: five provinces and Brussels, six chambers, five hubs."""

from __future__ import annotations

from .models import (
    Chamber,
    CommercialPartner,
    Hub,
    KnowledgePartner,
    PartnerKind,
    PostcodeArea,
    Province,
    Region,
    Theme,
)

PROVINCES = [
    ("ANT", "Antwerpen", "Antwerp", "Anvers", Region.FLANDERS),
    ("LIM", "Limburg", "Limburg", "Limbourg", Region.FLANDERS),
    ("OVL", "Oost-Vlaanderen", "East Flanders", "Flandre orientale", Region.FLANDERS),
    ("VBR", "Vlaams-Brabant", "Flemish Brabant", "Brabant flamand", Region.FLANDERS),
    ("WVL", "West-Vlaanderen", "West Flanders", "Flandre occidentale", Region.FLANDERS),
    ("BRU", "Brussel", "Brussels", "Bruxelles", Region.BRUSSELS),
    ("WBR", "Waals-Brabant", "Walloon Brabant", "Brabant wallon", Region.WALLONIA),
    ("HAI", "Henegouwen", "Hainaut", "Hainaut", Region.WALLONIA),
    ("LIE", "Luik", "Liège", "Liège", Region.WALLONIA),
    ("LUX", "Luxemburg", "Luxembourg", "Luxembourg", Region.WALLONIA),
    ("NAM", "Namen", "Namur", "Namur", Region.WALLONIA),
]

THEMES = [
    ("ai", "Artificiële intelligentie", "Artificial intelligence", "Intelligence artificielle"),
    ("iot", "Sensoren en IoT", "Sensors and IoT", "Capteurs et IoT"),
    ("data", "Data en analytics", "Data and analytics", "Données et analytique"),
    ("cyber", "Cybersecurity", "Cybersecurity", "Cybersécurité"),
    (
        "robotics",
        "Automatisering en robotica",
        "Automation and robotics",
        "Automatisation et robotique",
    ),
    ("ecommerce", "E-commerce", "E-commerce", "E-commerce"),
    (
        "erp",
        "ERP en digitalisering van processen",
        "ERP and process digitalisation",
        "ERP et numérisation des processus",
    ),
    ("cloud", "Cloud en infrastructuur", "Cloud and infrastructure", "Cloud et infrastructure"),
    ("xr", "AR/VR en digitale tweeling", "AR/VR and digital twins", "AR/VR et jumeau numérique"),
    (
        "3dprint",
        "3D-printen en additieve productie",
        "3D printing and additive manufacturing",
        "Impression 3D et fabrication additive",
    ),
]

CHAMBERS = [
    ("Voka – Kamer van Koophandel Antwerpen-Waasland", "Voka Antwerpen-Waasland", "Antwerpen"),
    ("Voka – Kamer van Koophandel Mechelen-Kempen", "Voka Mechelen-Kempen", "Mechelen"),
    ("Voka – Kamer van Koophandel Limburg", "Voka Limburg", "Hasselt"),
    ("Voka – Kamer van Koophandel Oost-Vlaanderen", "Voka Oost-Vlaanderen", "Gent"),
    ("Voka – Kamer van Koophandel West-Vlaanderen", "Voka West-Vlaanderen", "Kortrijk"),
    ("Voka – Kamer van Koophandel Vlaams-Brabant", "Voka Vlaams-Brabant", "Leuven"),
]

U, C, R, S, OT = (
    PartnerKind.UNIVERSITY,
    PartnerKind.UNIVERSITY_COLLEGE,
    PartnerKind.RESEARCH_CENTRE,
    PartnerKind.SECTOR_CENTRE,
    PartnerKind.OTHER,
)
PARTNERS = [
    # short, name, kind, themes, capacity, expertise
    (
        "VIL",
        "Vlaams Instituut voor de Logistiek",
        S,
        ["iot", "data", "erp"],
        6,
        "Logistieke processen, traceerbaarheid en supply-chain data.",
    ),
    (
        "LSEC",
        "LSEC – Leaders in Security",
        OT,
        ["cyber"],
        5,
        "Cybersecurity-scans en security by design voor kmo's.",
    ),
    (
        "VUB",
        "Vrije Universiteit Brussel",
        U,
        ["ai", "data", "xr"],
        8,
        "AI-lab: machine learning, computer vision en data science.",
    ),
    (
        "EhB",
        "Erasmushogeschool Brussel",
        C,
        ["ecommerce", "xr", "data"],
        6,
        "Multimedia, e-commerce en praktijkgericht onderzoek.",
    ),
    (
        "Flanders Make",
        "Flanders Make",
        R,
        ["robotics", "iot", "ai"],
        10,
        "Strategisch onderzoekscentrum voor de maakindustrie.",
    ),
    (
        "Sirris",
        "Sirris – collectief centrum van de technologische industrie",
        S,
        ["3dprint", "iot", "robotics", "data"],
        12,
        "Testlabs voor additive manufacturing, IoT en digitale productie.",
    ),
    (
        "UAntwerpen",
        "Universiteit Antwerpen",
        U,
        ["ai", "data", "cyber"],
        8,
        "Onderzoeksgroepen rond AI, data en software-engineering.",
    ),
    (
        "imec",
        "imec",
        R,
        ["iot", "ai", "cloud"],
        10,
        "Onderzoek naar nano-elektronica en digitale technologie.",
    ),
    (
        "AP",
        "AP Hogeschool Antwerpen",
        C,
        ["ecommerce", "erp", "cloud"],
        5,
        "Toegepaste informatica en procesdigitalisering.",
    ),
    (
        "Thomas More",
        "Thomas More Hogeschool",
        C,
        ["iot", "robotics"],
        5,
        "Elektronica-ICT en industriële automatisering.",
    ),
    (
        "UHasselt",
        "Universiteit Hasselt",
        U,
        ["data", "ai", "erp"],
        7,
        "Data science en bedrijfsprocessen (Data Science Institute).",
    ),
    (
        "PXL",
        "Hogeschool PXL",
        C,
        ["cyber", "iot", "xr"],
        5,
        "Smart ICT, IoT en cybersecurity-labs.",
    ),
    (
        "UGent",
        "Universiteit Gent",
        U,
        ["ai", "data", "robotics"],
        9,
        "Onderzoek naar AI, data en industriële systemen.",
    ),
    (
        "HOGENT",
        "Hogeschool Gent",
        C,
        ["erp", "ecommerce", "data"],
        6,
        "Bedrijfsinformatica en digitale transformatie.",
    ),
    (
        "Howest",
        "Hogeschool West-Vlaanderen (Howest)",
        C,
        ["cyber", "xr", "iot"],
        6,
        "Cybersecurity, digital arts en IoT-labs.",
    ),
    (
        "VIVES",
        "Hogeschool VIVES",
        C,
        ["robotics", "erp"],
        5,
        "Automatisering en procesdigitalisering in de maakindustrie.",
    ),
    (
        "KU Leuven",
        "KU Leuven",
        U,
        ["ai", "data", "cyber"],
        10,
        "Onderzoeksgroepen AI, cybersecurity en data-analyse.",
    ),
]

HUBS = [
    # hub name, province, lead chamber short name, partners
    (
        "Digihub Antwerpen",
        "ANT",
        "Voka Antwerpen-Waasland",
        ["UAntwerpen", "imec", "AP", "Thomas More", "Sirris"],
    ),
    ("Digihub Limburg", "LIM", "Voka Limburg", ["UHasselt", "PXL", "Flanders Make", "Sirris"]),
    (
        "Digihub Oost-Vlaanderen",
        "OVL",
        "Voka Oost-Vlaanderen",
        ["UGent", "HOGENT", "imec", "Flanders Make"],
    ),
    (
        "Digihub Vlaams-Brabant",
        "VBR",
        "Voka Vlaams-Brabant",
        ["VIL", "LSEC", "VUB", "EhB", "Flanders Make", "Sirris", "KU Leuven"],
    ),
    (
        "Digihub West-Vlaanderen",
        "WVL",
        "Voka West-Vlaanderen",
        ["Howest", "VIVES", "UGent", "Sirris"],
    ),
]

# (start, end, province, chamber short name or None, hub province or None)
AREAS = [
    (1000, 1299, "BRU", "Voka Vlaams-Brabant", "VBR"),
    (1300, 1499, "WBR", None, None),
    (1500, 1999, "VBR", None, None),
    (2000, 2999, "ANT", None, None),
    (2200, 2599, "ANT", "Voka Mechelen-Kempen", None),
    (2800, 2899, "ANT", "Voka Mechelen-Kempen", None),
    (3000, 3499, "VBR", None, None),
    (3500, 3999, "LIM", None, None),
    (4000, 4999, "LIE", None, None),
    (5000, 5999, "NAM", None, None),
    (6000, 6599, "HAI", None, None),
    (6600, 6999, "LUX", None, None),
    (7000, 7999, "HAI", None, None),
    (8000, 8999, "WVL", None, None),
    (9000, 9999, "OVL", None, None),
    (9100, 9199, "OVL", "Voka Antwerpen-Waasland", None),
]

COMMERCIAL = [
    ("DataBouw BV", ["data", "erp"], "Voka Vlaams-Brabant"),
    ("SecureSME NV", ["cyber"], "Voka Antwerpen-Waasland"),
    ("RoboFlex BV", ["robotics", "iot"], "Voka West-Vlaanderen"),
    ("ShopStart BV", ["ecommerce"], "Voka Oost-Vlaanderen"),
    ("CloudKempen BV", ["cloud", "erp"], "Voka Mechelen-Kempen"),
    ("Limburg Analytics BV", ["data", "ai"], "Voka Limburg"),
]


def build() -> None:
    provinces = {}
    for code, nl, en, fr, region in PROVINCES:
        provinces[code], _ = Province.objects.update_or_create(
            code=code, defaults={"name_nl": nl, "name_en": en, "name_fr": fr, "region": region}
        )
    themes = {}
    for order, (code, nl, en, fr) in enumerate(THEMES):
        themes[code], _ = Theme.objects.update_or_create(
            code=code, defaults={"name_nl": nl, "name_en": en, "name_fr": fr, "order": order}
        )
    chambers = {}
    for name, short, city in CHAMBERS:
        chambers[short], _ = Chamber.objects.update_or_create(
            short_name=short,
            defaults={
                "name": name,
                "city": city,
                "email": f"digihub@{short.split()[-1].lower()}.voka.example",
            },
        )
    partners = {}
    for short, name, kind, theme_codes, capacity, expertise in PARTNERS:
        partners[short], _ = KnowledgePartner.objects.update_or_create(
            short_name=short,
            defaults={"name": name, "kind": kind, "capacity": capacity, "expertise": expertise},
        )
        partners[short].themes.set([themes[c] for c in theme_codes])
    hubs = {}
    for name, province, chamber, partner_shorts in HUBS:
        hubs[province], _ = Hub.objects.update_or_create(
            province=provinces[province], defaults={"name": name, "chamber": chambers[chamber]}
        )
        hubs[province].partners.set([partners[s] for s in partner_shorts])
    for start, end, province, area_chamber, hub_province in AREAS:
        PostcodeArea.objects.update_or_create(
            start=start,
            end=end,
            defaults={
                "province": provinces[province],
                "chamber": chambers[area_chamber] if area_chamber else None,
                "hub": hubs[hub_province] if hub_province else None,
            },
        )
    for name, theme_codes, chamber in COMMERCIAL:
        partner, _ = CommercialPartner.objects.update_or_create(
            name=name,
            defaults={
                "chamber": chambers[chamber],
                "email": f"info@{name.split()[0].lower()}.example",
            },
        )
        partner.themes.set([themes[c] for c in theme_codes])
