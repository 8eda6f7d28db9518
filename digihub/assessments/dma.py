"""The EU Digital Maturity Assessment (DMA) for European Digital Innovation Hubs, as data.

Two variants, six dimensions each, every dimension scored 0–100 and the overall score the mean
of the six (the JRC's DMA for EDIH customers). The questions follow the DMA's structure: each
answer option carries points, a question's points are capped at its maximum, and a dimension's
score is the share of the points it could have reached (its scoring rule, stored beside it).

This module is the source the database is filled from (``install``, called by the migration
and by the demo): the pages and the scoring read the stored rows, so a new version is data too.
Texts are English source strings marked for translation; pages show them translated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop as N_

SINGLE, MULTIPLE = "single", "multiple"


@dataclass(frozen=True)
class Opt:
    code: str
    text: str
    points: int


@dataclass(frozen=True)
class Q:
    code: str
    text: str
    kind: str
    options: Sequence[Opt]
    max_points: int
    optional: bool = False
    help: str = ""


@dataclass(frozen=True)
class Dim:
    code: str
    name: str
    description: str
    questions: Sequence[Q]
    skipped: str = "exclude"  # see models.Skipped


def _scale(code: str, text: str, optional: bool = False, help: str = "") -> Q:
    """A question answered on the DMA's 0–5 scale (one choice)."""
    labels = (
        N_("Not at all"),
        N_("Planned"),
        N_("Started in one area"),
        N_("In several areas"),
        N_("In most areas"),
        N_("Everywhere, and reviewed regularly"),
    )
    return Q(
        code,
        text,
        SINGLE,
        [Opt(str(points), label, points) for points, label in enumerate(labels)],
        5,
        optional,
        help,
    )


def _ticks(code: str, text: str, items: Sequence[tuple[str, str]], max_points: int) -> Q:
    """A question where each ticked item counts one point, up to ``max_points``."""
    return Q(code, text, MULTIPLE, [Opt(c, t, 1) for c, t in items], max_points)


BUSINESS_AREAS = (
    ("design", N_("Product design and development")),
    ("planning", N_("Project planning and management")),
    ("operations", N_("Operations (production, service delivery)")),
    ("logistics", N_("Inbound and outbound logistics")),
    ("marketing", N_("Marketing and sales")),
    ("delivery", N_("Delivery to customers")),
    ("purchasing", N_("Purchasing")),
    ("admin", N_("Administration and human resources")),
)
PUBLIC_AREAS = (
    ("services", N_("Services to citizens and businesses")),
    ("cases", N_("Case handling and permits")),
    ("finance", N_("Finance and procurement")),
    ("hr", N_("Human resources")),
    ("communication", N_("Communication and participation")),
    ("assets", N_("Management of buildings, roads and fleet")),
)
TECHNOLOGIES = (
    ("connectivity", N_("Fast connectivity and cloud services")),
    ("web", N_("Website, web shop or online booking")),
    ("erp", N_("Business software (ERP, CRM)")),
    ("remote", N_("Tools for working and meeting remotely")),
    ("iot", N_("Sensors and the Internet of Things")),
    ("security", N_("Cyber-security measures and training")),
    ("simulation", N_("Simulation, digital twins or 3D printing")),
    ("blockchain", N_("Blockchain or other distributed ledgers")),
    ("ecommerce", N_("E-commerce or e-government platforms")),
    ("analytics", N_("Data analytics and dashboards")),
)
SKILLS = (
    ("assess", N_("Staff skills are assessed")),
    ("training", N_("Training plans for digital skills")),
    ("short", N_("Short courses, tutorials or e-learning")),
    ("learning", N_("Learning by doing with experts")),
    ("secondment", N_("Traineeships or secondments")),
    ("subsidised", N_("Subsidised training programmes")),
)
ENGAGEMENT = (
    ("awareness", N_("Staff are told about the digital plans")),
    ("involve", N_("Staff help choose and test new tools")),
    ("autonomy", N_("Work is redesigned to give staff more autonomy")),
    ("flexible", N_("Flexible working arrangements")),
    ("wellbeing", N_("Attention to well-being and workload")),
)
DATA_PRACTICES = (
    ("policy", N_("A data management policy")),
    ("stored", N_("Data stored digitally, not on paper")),
    ("integrated", N_("Data shared between systems")),
    ("accessible", N_("Data accessible wherever needed")),
    ("analysed", N_("Data analysed to take decisions")),
    ("external", N_("External data sources enriched")),
)
SECURITY = (
    ("policy", N_("A data security policy, checked regularly")),
    ("backup", N_("Regular, tested backups")),
    ("gdpr", N_("Personal data handled according to the GDPR")),
    ("plan", N_("A plan for cyber incidents")),
    ("training", N_("Staff trained on cyber threats")),
)
AUTOMATION = (
    ("language", N_("Natural language processing, chatbots")),
    ("vision", N_("Computer vision, image recognition")),
    ("audio", N_("Audio processing, speech recognition")),
    ("robotics", N_("Robotics and autonomous devices")),
    ("decisions", N_("Business intelligence and decision support")),
    ("rpa", N_("Automation of routine office work (RPA)")),
)
INTEROPERABILITY = (
    ("standards", N_("Open standards and formats for data exchange")),
    ("once", N_("The once-only principle: data asked only once")),
    ("apis", N_("Services exposed through interfaces (APIs)")),
    ("shared", N_("Shared platforms with other administrations")),
    ("open_data", N_("Open data published")),
    ("eid", N_("Electronic identification (eID, itsme)")),
)
GREEN = (
    ("model", N_("Sustainable business model")),
    ("services", N_("Sustainable products or services")),
    ("production", N_("Sustainable production or service delivery")),
    ("energy", N_("Energy management")),
    ("transport", N_("Transport and packaging optimised")),
    ("impact", N_("Environmental impact of digital tools considered")),
    ("paper", N_("Paperless processes")),
)

SME = (
    Dim(
        "strategy",
        N_("Digital business strategy"),
        N_("Where your organisation has invested in digitalisation, and how ready it is."),
        [
            _ticks(
                "areas",
                N_("In which business areas have you already invested in digitalisation?"),
                BUSINESS_AREAS,
                8,
            ),
            _scale(
                "readiness",
                N_("How far are you prepared for digitalisation (budget, plan, management)?"),
            ),
        ],
    ),
    Dim(
        "readiness",
        N_("Digital readiness"),
        N_("The digital technologies your organisation already uses."),
        [
            _ticks(
                "technologies",
                N_("Which of these technologies do you use?"),
                TECHNOLOGIES,
                10,
            ),
            _scale(
                "integration",
                N_("How well are your digital tools connected to each other?"),
                optional=True,
                help=N_("Skip this question if you do not know."),
            ),
        ],
    ),
    Dim(
        "human",
        N_("Human-centric digitalisation"),
        N_("How your staff are trained and involved in the digital transformation."),
        [
            _ticks("skills", N_("How do you upskill and reskill your staff?"), SKILLS, 6),
            _ticks(
                "engagement",
                N_("How do you engage and empower your staff?"),
                ENGAGEMENT,
                5,
            ),
        ],
    ),
    Dim(
        "data",
        N_("Data management"),
        N_("How data is stored, shared, analysed and protected."),
        [
            _ticks("practices", N_("How is data managed in your organisation?"), DATA_PRACTICES, 6),
            _ticks("security", N_("How is your data secured?"), SECURITY, 5),
        ],
    ),
    Dim(
        "automation",
        N_("Automation and artificial intelligence"),
        N_("Which automation and AI technologies you use."),
        [
            _ticks(
                "technologies",
                N_("Which automation and AI technologies do you use?"),
                AUTOMATION,
                6,
            ),
            _scale(
                "ai_use",
                N_("How widely is artificial intelligence used in your processes?"),
                optional=True,
                help=N_("Skip this question if you do not know."),
            ),
        ],
    ),
    Dim(
        "green",
        N_("Green digitalisation"),
        N_("How digital technologies help your organisation become more sustainable."),
        [
            _ticks("practices", N_("Which green practices do digital tools support?"), GREEN, 7),
            _scale(
                "criteria",
                N_("Do environmental criteria weigh in your choice of digital tools?"),
            ),
        ],
    ),
)

PUBLIC = (
    Dim(
        "strategy",
        N_("Digital strategy and investments"),
        N_("Where your administration has invested in digitalisation, and how it plans ahead."),
        [
            _ticks(
                "areas",
                N_("In which areas has your administration invested in digitalisation?"),
                PUBLIC_AREAS,
                6,
            ),
            _scale(
                "plan",
                N_("Is there a digital strategy with a budget and a timeline?"),
            ),
        ],
    ),
    Dim(
        "readiness",
        N_("Digital readiness"),
        N_("The digital technologies your administration already uses."),
        [
            _ticks(
                "technologies",
                N_("Which of these technologies do you use?"),
                TECHNOLOGIES,
                10,
            ),
            _scale(
                "online_services",
                N_("How many of your services can be used fully online?"),
                optional=True,
                help=N_("Skip this question if you do not know."),
            ),
        ],
    ),
    Dim(
        "human",
        N_("Human-centric digitalisation"),
        N_("How civil servants are trained and involved, and how citizens are kept included."),
        [
            _ticks("skills", N_("How do you upskill and reskill your staff?"), SKILLS, 6),
            _ticks(
                "engagement",
                N_("How do you engage and empower your staff?"),
                ENGAGEMENT,
                5,
            ),
        ],
    ),
    Dim(
        "data",
        N_("Data management and security"),
        N_("How data is managed, protected and used for policy."),
        [
            _ticks(
                "practices", N_("How is data managed in your administration?"), DATA_PRACTICES, 6
            ),
            _ticks("security", N_("How is your data secured?"), SECURITY, 5),
        ],
    ),
    Dim(
        "interoperability",
        N_("Interoperability"),
        N_("How your systems exchange data with other administrations, citizens and businesses."),
        [
            _ticks(
                "practices",
                N_("Which interoperability practices do you apply?"),
                INTEROPERABILITY,
                6,
            ),
        ],
    ),
    Dim(
        "green",
        N_("Green digitalisation"),
        N_("How digital technologies help your administration become more sustainable."),
        [
            _ticks("practices", N_("Which green practices do digital tools support?"), GREEN, 7),
            _scale(
                "procurement",
                N_("Do environmental criteria weigh in your procurement of digital tools?"),
            ),
        ],
    ),
)

VARIANTS: dict[str, tuple[str, tuple[Dim, ...]]] = {
    "sme": ("dma-sme", SME),
    "public": ("dma-public", PUBLIC),
}
TITLES = {
    "sme": N_("Digital Maturity Assessment — SMEs and mid-caps"),
    "public": N_("Digital Maturity Assessment — public sector"),
}
VERSION = 1


def install(models: Any, variant: str, version: int = VERSION) -> Any:
    """Write one variant's questionnaire (idempotent: an existing version is left alone).

    ``models`` has the classes ``Questionnaire``, ``Dimension``, ``Question`` and
    ``AnswerOption`` (the app's, or a migration's historical ones)."""
    code, dimensions = VARIANTS[variant]
    existing = models.Questionnaire.objects.filter(code=code, version=version).first()
    if existing is not None:
        return existing
    questionnaire = models.Questionnaire.objects.create(
        code=code, variant=variant, version=version, title=TITLES[variant], active=True
    )
    for d_order, dim in enumerate(dimensions, start=1):
        dimension = models.Dimension.objects.create(
            questionnaire=questionnaire,
            code=dim.code,
            order=d_order,
            name=dim.name,
            description=dim.description,
            skipped=dim.skipped,
        )
        for q_order, q in enumerate(dim.questions, start=1):
            question = models.Question.objects.create(
                dimension=dimension,
                code=q.code,
                order=q_order,
                text=q.text,
                help=q.help,
                kind=q.kind,
                optional=q.optional,
                max_points=q.max_points,
            )
            models.AnswerOption.objects.bulk_create(
                models.AnswerOption(
                    question=question, code=o.code, order=o_order, text=o.text, points=o.points
                )
                for o_order, o in enumerate(q.options, start=1)
            )
    return questionnaire
