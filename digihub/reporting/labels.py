"""Names for the codes the figures are keyed by, in the reader's language.

A published document shows no code: a NACE section is its letter with its title, a funding
source and a project type their names, a figure its description."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digihub.intake.models import Channel, Decision, Route
from digihub.trajectories.models import Phase

# NACE Rev. 2 (NACE-BEL 2008) sections, as Statbel and Eurostat title them.
NACE_SECTIONS = {
    "A": gettext_lazy("Agriculture, forestry and fishing"),
    "B": gettext_lazy("Mining and quarrying"),
    "C": gettext_lazy("Manufacturing"),
    "D": gettext_lazy("Electricity, gas, steam and air conditioning supply"),
    "E": gettext_lazy("Water supply; sewerage, waste management and remediation activities"),
    "F": gettext_lazy("Construction"),
    "G": gettext_lazy("Wholesale and retail trade; repair of motor vehicles and motorcycles"),
    "H": gettext_lazy("Transportation and storage"),
    "I": gettext_lazy("Accommodation and food service activities"),
    "J": gettext_lazy("Information and communication"),
    "K": gettext_lazy("Financial and insurance activities"),
    "L": gettext_lazy("Real estate activities"),
    "M": gettext_lazy("Professional, scientific and technical activities"),
    "N": gettext_lazy("Administrative and support service activities"),
    "O": gettext_lazy("Public administration and defence; compulsory social security"),
    "P": gettext_lazy("Education"),
    "Q": gettext_lazy("Human health and social work activities"),
    "R": gettext_lazy("Arts, entertainment and recreation"),
    "S": gettext_lazy("Other service activities"),
    "T": gettext_lazy("Activities of households as employers and for own use"),
    "U": gettext_lazy("Activities of extraterritorial organisations and bodies"),
}


def nace_section(letter: str | None) -> str:
    """ "C – Manufacturing"; a company without a NACE code falls under "Sector unknown"."""
    if not letter:
        return _("Sector unknown")
    title = NACE_SECTIONS.get(letter.upper())
    return f"{letter.upper()} – {title}" if title else letter


def source_names() -> dict[str, str]:
    """Funding source code → its name in the reader's language."""
    from digihub.funding.models import FundingSource

    return {source.code: source.name for source in FundingSource.objects.all()}


def province_names() -> dict[str, str]:
    """A province's Dutch name (what the figures are keyed by) → its name for the reader."""
    from digihub.network.models import Province

    return {province.name_nl: province.name for province in Province.objects.all()}


def theme_names() -> dict[str, str]:
    """A theme's Dutch name (what the figures are keyed by) → its name for the reader."""
    from digihub.network.models import Theme

    return {theme.name_nl: theme.name for theme in Theme.objects.all()}


def project_type_names(numbers: Iterable[int]) -> dict[int, str]:
    """Project type number → its name. The figures add up project types of the same number
    across programmes; the name is the one they share, or the kind of project they share."""
    from digihub.funding.models import ProjectKind, ProjectType

    names: dict[int, set[str]] = {}
    kinds: dict[int, set[str]] = {}
    for project_type in ProjectType.objects.filter(number__in=set(numbers)):
        names.setdefault(project_type.number, set()).add(project_type.name)
        kinds.setdefault(project_type.number, set()).add(project_type.kind)
    result: dict[int, str] = {}
    for number, found in names.items():
        if len(found) == 1:
            result[number] = next(iter(found))
        elif len(kinds[number]) == 1:
            result[number] = str(ProjectKind(next(iter(kinds[number]))).label)
        else:
            result[number] = " / ".join(sorted(found))
    return result


LEAD_TIMES = {
    "first_contact_to_signed": gettext_lazy("From first contact to signed quote"),
    "signed_to_completed": gettext_lazy("From signed quote to completion"),
    "first_contact_to_completed": gettext_lazy("From first contact to completion"),
}


def lead_time(label: str) -> str:
    return str(LEAD_TIMES.get(label, label))


def reach_figure(key: str) -> str:
    """The description of one entry of ``Figures.reach``."""
    fixed = {
        "registered": _("Questions registered"),
        "companies": _("Companies that asked a question"),
        "outside_target_group": _("Questions from companies outside the SME target group"),
        "conversations": _("Exploratory conversations held"),
        "conversation_companies": _("Companies with an exploratory conversation"),
        "follow_ups": _("Follow-up contacts"),
        "decided": _("Questions decided"),
        "open": _("Questions still open"),
    }
    if key in fixed:
        return fixed[key]
    for prefix, choices, template in (
        ("registered_", Channel, _("Questions registered: %(name)s")),
        ("decision_", Decision, _("Decision: %(name)s")),
        ("route_", Route, _("Route without trajectory: %(name)s")),
    ):
        if key.startswith(prefix) and key[len(prefix) :] in choices.values:
            return template % {"name": choices(key[len(prefix) :]).label}
    return key.replace("_", " ").capitalize()


def phase(code: str) -> str:
    return str(Phase(code).label) if code in Phase.values else code
