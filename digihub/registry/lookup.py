"""Company look-up in the KBO/BCE lookup table, and the refresh of the platform's companies.

``search(q)`` finds enterprises by number (whole or the first digits, with or without dots, an
establishment unit's number leads to its enterprise) or by name: names starting with what was
typed first, then names containing it, then (PostgreSQL ``pg_trgm``) the same with each misspelt
word corrected against the distinct words of the names.
``fill_values`` turns an enterprise into the company fields a form or the refresh fills in.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from digihub.companies.validators import format_enterprise_number

from .models import (
    WORD_LETTERS,
    Activity,
    Address,
    Code,
    Denomination,
    Enterprise,
    Establishment,
    name_words,
)

LIMIT = 10
ACTIVE = "AC"
# Languages of the denominations (code table "Language"): 1 FR, 2 NL, 3 DE, 4 EN, 0 unknown.
LANGUAGE_CODES = {"fr": "1", "nl": "2", "de": "3", "en": "4"}
CODE_LANGUAGES = {"nl": "NL", "fr": "FR", "de": "DE", "en": "EN"}
NAME, ABBREVIATION, COMMERCIAL, BRANCH = "001", "002", "003", "004"
# KBO juridical forms as the platform's legal forms (digihub.companies.models.LegalForm).
LEGAL_FORMS = {
    "014": "NV",
    "015": "BV",
    "610": "BV",
    "016": "BV",
    "006": "CV",
    "008": "CV",
    "706": "CV",
    "011": "VOF",
    "012": "CommV",
    "013": "CommV",
    "017": "VZW",
}


@dataclass
class Nace:
    version: str
    code: str  # as published: 62010
    classification: str  # MAIN, SECO, ANCI
    description: str = ""

    @property
    def display(self) -> str:
        return f"{self.code[:2]}.{self.code[2:]}" if len(self.code) > 2 else self.code


@dataclass
class Hit:
    number: str
    status: str
    juridical_situation: str
    juridical_form: str
    legal_form_description: str
    start_date: dt.date | None
    name: str
    names: list[tuple[str, str, str]] = field(default_factory=list)  # language, type, name
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    address_from_establishment: bool = False
    nace: list[Nace] = field(default_factory=list)
    status_description: str = ""
    situation_description: str = ""

    @property
    def number_display(self) -> str:
        return format_enterprise_number(self.number)

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE

    @property
    def legal_form(self) -> str:
        return legal_form_of(self.juridical_form)

    def main_nace(self, version: str = "2008") -> Nace | None:
        codes = [n for n in self.nace if n.version == version]
        main = [n for n in codes if n.classification == "MAIN"]
        found = main or codes
        return found[0] if found else None

    def fill(self) -> dict[str, str]:
        """The company fields this enterprise fills in (for forms and the refresh)."""
        main = self.main_nace("2008") or self.main_nace("2025")
        others = [
            n.display
            for n in self.nace
            if n.version == (main.version if main else "2008")
            and (main is None or n.code != main.code)
        ]
        return {
            "name": self.name[:200],
            "street": self.street[:200],
            "postcode": self.postcode,
            "city": self.city[:100],
            "legal_form": self.legal_form,
            "nace_main": main.display if main else "",
            "nace_other": ", ".join(dict.fromkeys(others))[:200],
        }


def legal_form_of(juridical_form: str) -> str:
    if not juridical_form:
        return "EZ"  # a natural person's enterprise: a sole proprietorship
    return LEGAL_FORMS.get(juridical_form, "other")


def normalise_number(text: str) -> str:
    """The digits of what was typed when it reads as (the start of) a number, else ''."""
    raw = text.strip().upper().removeprefix("BE").strip()
    digits = "".join(ch for ch in raw if ch.isdigit())
    if digits and all(ch.isdigit() or ch in " .-/" for ch in raw):
        return digits
    return ""


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE or "nl")[:2]


_TRIGRAM: dict[str, bool] = {}


def has_trigram() -> bool:
    if connection.vendor != "postgresql":
        return False
    # Asked once per database and process: a look-up is a handful of queries, this was one.
    name = str(connection.settings_dict["NAME"])
    if not _TRIGRAM.get(name):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _TRIGRAM[name] = cursor.fetchone() is not None
    return _TRIGRAM[name]


_WORD_INDEX: dict[str, bool] = {}


def has_word_index() -> bool:
    """Whether the words of the names have their trigram index (0007_nameword_trigram, or a
    later one created by hand). Asked once per database and process once it is there; while it
    is missing it is asked again at each look-up, so creating it takes effect without a restart
    (and a full import, which drops and recreates it, never leaves a process without it)."""
    if connection.vendor != "postgresql":
        return False
    name = str(connection.settings_dict["NAME"])
    if not _WORD_INDEX.get(name):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = 'registry_nameword' AND indexdef LIKE '%%gin_trgm_ops%%'"
            )
            _WORD_INDEX[name] = cursor.fetchone() is not None
    return _WORD_INDEX[name]


def search(q: str, *, limit: int = LIMIT, language: str | None = None) -> list[Hit]:
    """Enterprises matching a number or a name, the best first (active before stopped)."""
    q = " ".join(q.split())[:120]
    digits = normalise_number(q)
    if digits:
        numbers = _numbers_like(digits, limit)
    elif len(q) >= 2:
        numbers = _names_like(q.lower(), limit)
    else:
        numbers = []
    # Active before stopped, read from the description instead of a query of its own.
    hits = describe(numbers, language=language)
    return sorted(hits, key=lambda hit: hit.status != ACTIVE)[:limit]


def by_number(value: str, *, language: str | None = None) -> Hit | None:
    digits = normalise_number(value)
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) != 10:
        return None
    found = describe(_numbers_like(digits, 1), language=language)
    return found[0] if found else None


def _numbers_like(digits: str, limit: int) -> list[str]:
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) == 10:
        if Enterprise.objects.filter(number=digits).exists():
            return [digits]
        parent = Establishment.objects.filter(number=digits).values_list(
            "enterprise_number", flat=True
        )
        return list(parent[:1])
    if len(digits) < 4:
        return []
    # A range on the primary key: the first digits typed so far.
    return list(
        Enterprise.objects.filter(number__gte=digits, number__lt=digits + ":")
        .order_by("number")
        .values_list("number", flat=True)[:limit]
    )


def _names_like(text: str, limit: int) -> list[str]:
    """Names starting with the text (a b-tree range), then names containing it (the trigram
    index), then — for typing errors — the same for the text with its misspelt words corrected
    (``_corrected``). Each step stops at the limit instead of ranking every match, which keeps
    common words fast."""
    wanted = limit + 5
    found: dict[str, None] = {}

    # Corrections and the word check read the word table through its trigram index; without
    # that index (pg_trgm installed after the migrations) they would read every word instead.
    words = has_trigram() and has_word_index()

    def names() -> Any:
        # Built anew for each step: a name starting with the text also contains it, and what
        # the previous step found must not take a place in the next one's limit again.
        return Denomination.objects.exclude(entity_number__in=list(found)).values_list(
            "entity_number", flat=True
        )

    def look(typed: str) -> None:
        found.update(dict.fromkeys(names().filter(search__startswith=typed)[: wanted - len(found)]))
        if len(found) < wanted and len(typed) >= 3 and not (words and _in_no_word(typed)):
            found.update(
                dict.fromkeys(names().filter(search__contains=typed)[: wanted - len(found)])
            )

    look(text)
    if len(found) < limit and words:
        for corrected in _corrected(text):
            look(corrected)
            if len(found) >= wanted:
                break
    numbers = list(found)
    # A name of an establishment unit leads to its enterprise.
    parents = dict(
        Establishment.objects.filter(number__in=numbers).values_list("number", "enterprise_number")
    )
    return list(dict.fromkeys(parents.get(n, n) for n in numbers))


def _in_no_word(text: str) -> bool:
    """Whether a word of the text (four letters or more) is part of no known word: then no name
    contains the text, which the small word table tells in a millisecond where the names'
    trigram index reads hundreds of candidate names (a misspelt word's usual trigrams)."""
    words = list(dict.fromkeys(name_words(text)))
    if not words:
        return False
    with connection.cursor() as cursor:
        # Words hold letters and digits only: nothing to escape in the pattern.
        cursor.execute(
            "SELECT 1 FROM unnest(%s::text[]) AS q(w) WHERE NOT EXISTS ("
            "SELECT 1 FROM registry_nameword WHERE word LIKE '%%' || q.w || '%%') LIMIT 1",
            [words],
        )
        return cursor.fetchone() is not None


CANDIDATES = 3  # known words tried per misspelt word, and corrected texts looked up
_WORD = re.compile(f"[{WORD_LETTERS}]+")


def _corrected(text: str) -> list[str]:
    """The text with each unknown word (four letters or more, not a word of any name) replaced
    by the known words most like it, the most similar first. A word like no known word (garbled)
    is left out, so the others are still corrected and looked up; [] when no word is left that
    is known or corrected (gibberish: nothing to look up). One query on the small trigram index
    of ``NameWord`` (a word is its own best match when known), instead of comparing the text
    with every name."""
    words = list(dict.fromkeys(name_words(text)))
    if not words:
        return []
    by_threshold: dict[float, list[str]] = defaultdict(list)
    for word in words:
        by_threshold[_threshold(word)].append(word)
    rows = _similar_words(by_threshold)
    like: dict[str, list[tuple[float, str]]] = {w: [] for w in words}
    for typed, word, similarity in rows:
        like[typed].append((float(similarity), word))
    unknown = {typed for typed, candidates in like.items() if not candidates}
    if len(unknown) == len(words):
        return []
    choices: dict[str, list[tuple[float, str]]] = {
        typed: candidates
        for typed, candidates in like.items()
        if candidates and all(word != typed for _sim, word in candidates)
    }
    if not choices and not unknown:
        return []  # every word is known: the text itself was looked up already
    # Every word at its best correction, then one word at a time at its next best.
    best = {typed: candidates[0] for typed, candidates in choices.items()}
    options = [best] + [
        {**best, typed: other} for typed, candidates in choices.items() for other in candidates[1:]
    ]
    options.sort(key=lambda option: -sum(sim for sim, _word in option.values()))
    left_out = dict.fromkeys(unknown, (0.0, ""))
    texts = [_replace_words(text, {**option, **left_out}) for option in options[:CANDIDATES]]
    return list(dict.fromkeys(" ".join(t.split()) for t in texts))


def _similar_words(by_threshold: dict[float, list[str]]) -> list[tuple[str, str, float]]:
    """(typed word, known word, similarity): the known words at least as similar as the typed
    word's threshold, at most ``CANDIDATES`` each.

    The explicit ``similarity() >=`` is what decides; ``%`` is there for the GIN index, which
    prunes by ``pg_trgm.similarity_threshold``. That setting is raised to the threshold with
    ``set_config(…, true)``, the equivalent of SET LOCAL: it ends with the transaction, so a
    reused connection (or one PgBouncer hands to another client between transactions) keeps its
    default. Inside a transaction of the caller it is put back afterwards."""
    rows: list[tuple[str, str, float]] = []
    outer = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        before = None
        if outer:
            # similarity() (folded at planning) loads pg_trgm, which defines the setting
            cursor.execute(
                "SELECT similarity('', ''), current_setting('pg_trgm.similarity_threshold')"
            )
            before = cursor.fetchone()[1]
        for threshold, group in sorted(by_threshold.items()):
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(threshold)]
            )
            cursor.execute(
                "SELECT q.w, c.word, c.sim FROM unnest(%s::text[]) AS q(w) CROSS JOIN LATERAL ("
                "SELECT word, similarity(word, q.w) AS sim FROM registry_nameword "
                "WHERE word %% q.w AND similarity(word, q.w) >= %s "
                "ORDER BY sim DESC, word LIMIT %s) AS c",
                [group, threshold, CANDIDATES],
            )
            rows += cursor.fetchall()
        if before is not None:
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [before])
    return rows


def _threshold(word: str) -> float:
    """The least similarity at which a known word counts as what was meant: two letters swapped
    (or one wrong) inside a word keep n - 3 of its n + 1 trigrams, a similarity of
    (n - 3) / (n + 5) — 0.38 at eight letters, 0.5 at eleven. Asking long words for no less (up
    to 0.45) spares the index rechecking thousands of loosely similar words in a large
    vocabulary (780,000 generated words: correction p95 17 ms instead of 60 ms at 0.3, as many
    intended words found)."""
    n = len(word)
    return round(max(0.3, min(0.45, (n - 3) / (n + 5) - 0.02)), 2)


def _replace_words(text: str, option: dict[str, tuple[float, str]]) -> str:
    return _WORD.sub(lambda m: option[m[0]][1] if m[0] in option else m[0], text)


_CODE_CACHE: dict[str, Any] = {"at": 0.0, "table": {}}
CODE_CACHE_SECONDS = 300


def forget_codes() -> None:
    """The code table changed (an import): read it again at the next look-up."""
    _CODE_CACHE.update(at=0.0, table={})


def _code_table() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """The code table (a few thousand rows that change monthly), kept per process."""
    now = time.monotonic()
    if now - _CODE_CACHE["at"] > CODE_CACHE_SECONDS:
        table: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for category, code, lang, description in Code.objects.values_list(
            "category", "code", "language", "description"
        ):
            table[(category, code)].append((lang, description))
        _CODE_CACHE.update(at=now, table=dict(table))
    return _CODE_CACHE["table"]  # type: ignore[no-any-return]


def _codes(category: str, codes: Iterable[str], language: str) -> dict[str, str]:
    wanted = CODE_LANGUAGES.get(language, "NL")
    table = _code_table()
    found: dict[str, str] = {}
    for code in set(codes):
        rows = table.get((category, code))
        if rows:
            ranked = sorted(rows, key=lambda r: (r[0] != wanted, r[0] != "NL", r[0]))
            found[code] = ranked[0][1]
    return found


def _pick_name(names: list[tuple[str, str, str]], language: str) -> str:
    preferred = LANGUAGE_CODES.get(language, "2")
    order = [preferred, "2", "1", "3", "4", "0"]
    for kind in (NAME, COMMERCIAL, ABBREVIATION, BRANCH):
        of_kind = [n for n in names if n[1] == kind]
        of_kind.sort(key=lambda n: order.index(n[0]) if n[0] in order else 9)
        if of_kind:
            return of_kind[0][2]
    return ""


def _street(address: Address, language: str) -> str:
    french = language == "fr"
    street = (
        (address.street_fr or address.street_nl)
        if french
        else (address.street_nl or address.street_fr)
    )
    line = " ".join(part for part in (street, address.house_number) if part)
    if address.box:
        line += f" {'bte' if french else 'bus'} {address.box}"
    return line


def describe(numbers: list[str], *, language: str | None = None) -> list[Hit]:
    """Everything the platform shows of these enterprises, in a handful of queries."""
    if not numbers:
        return []
    language = language or _language()
    enterprises = Enterprise.objects.in_bulk(numbers)
    names: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for entity, lang, kind, text in Denomination.objects.filter(
        entity_number__in=numbers
    ).values_list("entity_number", "language", "type", "denomination"):
        names[entity].append((lang, kind, text))
    addresses: dict[str, Address] = {}
    for address in Address.objects.filter(entity_number__in=numbers, type="REGO"):
        addresses.setdefault(address.entity_number, address)
    missing = [n for n in numbers if n not in addresses]
    from_establishment: set[str] = set()
    if missing:
        units = dict(
            Establishment.objects.filter(enterprise_number__in=missing)
            .order_by("start_date", "number")
            .values_list("number", "enterprise_number")
        )
        for address in Address.objects.filter(entity_number__in=list(units)).order_by(
            "entity_number"
        ):
            if address.struck_off is None and units[address.entity_number] not in addresses:
                addresses[units[address.entity_number]] = address
                from_establishment.add(units[address.entity_number])
    activities: dict[str, list[Nace]] = defaultdict(list)
    for entity, version, code, classification in (
        Activity.objects.filter(entity_number__in=numbers)
        .order_by("entity_number", "nace_version", "classification", "nace_code")
        .values_list("entity_number", "nace_version", "nace_code", "classification")
    ):
        if not any(n.version == version and n.code == code for n in activities[entity]):
            activities[entity].append(Nace(version, code, classification))
    nace_text = {
        version: _codes(
            f"Nace{version}",
            {n.code for ns in activities.values() for n in ns if n.version == version},
            language,
        )
        for version in ("2008", "2025")
    }
    forms = _codes(
        "JuridicalForm",
        {e.juridical_form_cac or e.juridical_form for e in enterprises.values()},
        language,
    )
    statuses = _codes("Status", {e.status for e in enterprises.values()}, language)
    situations = _codes(
        "JuridicalSituation", {e.juridical_situation for e in enterprises.values()}, language
    )
    hits = []
    for n in numbers:
        e = enterprises.get(n)
        if e is None:
            continue
        form = e.juridical_form_cac or e.juridical_form
        hit = Hit(
            number=n,
            status=e.status,
            juridical_situation=e.juridical_situation,
            juridical_form=form,
            legal_form_description=forms.get(form, ""),
            start_date=e.start_date,
            name=_pick_name(names[n], language),
            names=sorted(names[n]),
            status_description=statuses.get(e.status, e.status),
            situation_description=situations.get(e.juridical_situation, ""),
            address_from_establishment=n in from_establishment,
        )
        seat = addresses.get(n)
        if seat is not None:
            address = seat
            hit.street = _street(address, language)
            belgian = not (address.country_nl or address.country_fr)
            hit.postcode = address.zipcode if belgian else ""
            hit.city = (
                (address.municipality_fr or address.municipality_nl)
                if language == "fr"
                else (address.municipality_nl or address.municipality_fr)
            )
            hit.country = "" if belgian else (address.country_nl or address.country_fr)
        for nace in activities[n]:
            nace.description = nace_text.get(nace.version, {}).get(nace.code, "")
        hit.nace = activities[n]
        hits.append(hit)
    return hits


# The platform's companies, refreshed ---------------------------------------------------------
REFRESHED = ("name", "street", "postcode", "city", "legal_form", "nace_main", "nace_other")


def refresh_companies(
    *, numbers: Iterable[str] | None, extract: Any, log: Callable[[str], None] = lambda s: None
) -> int:
    """Bring the platform's companies in line with the lookup table: each value that came from
    the KBO (or whose source is not known) follows it; a value a person typed over it stays.
    Changes go through ``company_update`` as the platform, so they show in the company's history."""
    from digihub.companies.models import Company
    from digihub.companies.services import company_update

    from .provenance import kbo_source

    companies = Company.objects.order_by("pk")
    if numbers is not None:
        companies = companies.filter(enterprise_number__in=list(numbers))
    else:
        companies = companies.filter(enterprise_number__in=Enterprise.objects.values("number"))
    changed = 0
    reason = _("KBO open data, extract %(number)s") % {"number": extract.extract_number}
    pks = list(companies.values_list("pk", flat=True))
    for start in range(0, len(pks), 500):
        chunk = list(Company.objects.filter(pk__in=pks[start : start + 500]))
        found = {
            h.number: h
            for h in describe(
                [c.enterprise_number for c in chunk], language=settings.LANGUAGE_CODE[:2]
            )
        }
        for company in chunk:
            hit = found.get(company.enterprise_number)
            if hit is None:
                continue
            values = hit.fill()
            data = {}
            for name in REFRESHED:
                source = (company.provenance or {}).get(name, {}).get("source")
                if source == "entered" or not values[name]:
                    continue
                if getattr(company, name) != values[name]:
                    data[name] = values[name]
            if not data:
                continue
            with kbo_source(extract):
                try:
                    company_update(actor=None, company=company, data=data, reason=reason)
                except ValidationError:
                    # e.g. the seat moved to another chamber's region: that move is a
                    # coordinator's decision; the rest still follows the register.
                    address = {"postcode", "city", "street"}
                    rest = {k: v for k, v in data.items() if k not in address}
                    log(
                        f"  {company.enterprise_number}: address not taken over "
                        "(another chamber's region)"
                    )
                    if not rest:
                        continue
                    company_update(actor=None, company=company, data=rest, reason=reason)
            changed += 1
    return changed
