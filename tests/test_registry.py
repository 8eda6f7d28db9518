"""The KBO/BCE open data: import of full and update extracts, look-up, refresh of companies."""

from __future__ import annotations

import importlib
import io
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digihub.companies.models import Company
from digihub.registry import lookup
from digihub.registry.kbo import import_extract
from digihub.registry.models import Denomination, Enterprise, ImportRun, NameWord, name_words

from .factories import make_company
from .kbo_files import dotted, valid_number, write_extract

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English

BAKERY = valid_number(2013109)  # 0201.310.929
SHOP = valid_number(4567812)
STOPPED = valid_number(7654321)
UNIT = "2123456789"  # an establishment unit of SHOP

CODES = [
    ("JuridicalForm", "014", "NL", "Naamloze vennootschap"),
    ("JuridicalForm", "014", "FR", "Société anonyme"),
    ("JuridicalForm", "610", "NL", "Besloten vennootschap"),
    ("JuridicalForm", "610", "FR", "Société à responsabilité limitée"),
    ("Status", "AC", "NL", "Actief"),
    ("Status", "ST", "NL", "Stopgezet"),
    ("JuridicalSituation", "000", "NL", "Normale toestand"),
    ("JuridicalSituation", "012", "NL", "Ontbinding van rechtswege"),
    ("Nace2008", "10710", "NL", "Vervaardiging van brood en van vers banketbakkerswerk"),
    ("Nace2008", "10710", "FR", "Fabrication de pain et de pâtisserie fraîche"),
    ("Nace2008", "47240", "NL", "Detailhandel in brood, banketbakkerswerk, suikerwerk"),
    ("Nace2025", "10710", "NL", "Vervaardiging van brood"),
    ("Nace2008", "62010", "NL", "Ontwerpen en programmeren van computerprogramma's"),
]


def full_extract(tmp_path: Path) -> Path:
    return write_extract(
        tmp_path / "KboOpenData_0140_2026_11_Full.zip",
        number=140,
        kind="full",
        tables={
            "code": CODES,
            "enterprise": [
                (dotted(BAKERY), "AC", "000", "2", "014", "", "01-02-1995"),
                (dotted(SHOP), "AC", "000", "2", "610", "", "15-06-2020"),
                (dotted(STOPPED), "ST", "012", "2", "610", "", "03-03-2003"),
            ],
            "establishment": [(dotted(UNIT), "15-06-2020", dotted(SHOP))],
            "denomination": [
                (dotted(BAKERY), "2", "001", "Bakkerij De Kroon, Jansen & Zonen"),
                (dotted(BAKERY), "1", "001", "Boulangerie La Couronne, Jansen & Fils"),
                (dotted(BAKERY), "2", "003", "De Kroon"),
                (dotted(BAKERY), "2", "002", "BDK"),
                (dotted(SHOP), "2", "001", "Codewerf"),
                (dotted(STOPPED), "2", "001", 'Bakkerij Oud, "Het Hoekje"'),
            ],
            "address": [
                (
                    dotted(BAKERY),
                    "REGO",
                    "",
                    "",
                    "3000",
                    "Leuven",
                    "Louvain",
                    "Bondgenotenlaan",
                    "Boulevard des Alliés",
                    "12",
                    "3",
                    "",
                    "",
                ),
                (
                    dotted(UNIT),
                    "BAET",
                    "",
                    "",
                    "2000",
                    "Antwerpen",
                    "Anvers",
                    "Meir",
                    "Meir",
                    "1",
                    "",
                    "",
                    "",
                ),
                (
                    dotted(STOPPED),
                    "REGO",
                    "",
                    "",
                    "3000",
                    "Leuven",
                    "Louvain",
                    "Oude Markt",
                    "Vieux Marché",
                    "5",
                    "",
                    "",
                    "",
                ),
            ],
            "contact": [(dotted(BAKERY), "ENT", "TEL", "016 00 00 00")],
            "activity": [
                (dotted(BAKERY), "001", "2008", "10710", "MAIN"),
                (dotted(BAKERY), "001", "2008", "47240", "SECO"),
                (dotted(BAKERY), "001", "2025", "10710", "MAIN"),
                (dotted(BAKERY), "001", "2003", "15811", "MAIN"),
                (dotted(UNIT), "001", "2008", "62010", "MAIN"),
                (dotted(SHOP), "001", "2008", "62010", "MAIN"),
            ],
            "branch": [],
        },
    )


def update_extract(tmp_path: Path) -> Path:
    return write_extract(
        tmp_path / "KboOpenData_0141_2026_12_Update.zip",
        number=141,
        kind="update",
        snapshot="01-12-2026",
        tables={
            "code": CODES,
            "enterprise_delete": [(dotted(BAKERY),)],
            "enterprise_insert": [(dotted(BAKERY), "AC", "000", "2", "014", "", "01-02-1995")],
            "denomination_delete": [(dotted(BAKERY),)],
            "denomination_insert": [
                (dotted(BAKERY), "2", "001", "Bakkerij De Kroon"),
                (dotted(BAKERY), "1", "001", "Boulangerie La Couronne"),
            ],
            "address_delete": [(dotted(BAKERY),)],
            "address_insert": [
                (
                    dotted(BAKERY),
                    "REGO",
                    "",
                    "",
                    "3000",
                    "Leuven",
                    "Louvain",
                    "Tiensestraat",
                    "Rue de Tirlemont",
                    "7",
                    "",
                    "",
                    "",
                ),
            ],
        },
    )


@pytest.fixture
def imported(tmp_path: Path, db: Any) -> Path:
    import_extract(full_extract(tmp_path))
    return tmp_path


def test_full_extract_lands_in_the_lookup(imported: Path) -> None:
    assert Enterprise.objects.count() == 3
    hit = lookup.by_number("0201.310.929", language="nl")
    assert hit is not None and hit.number == BAKERY == "0201310929"
    # The quoted comma stays inside the name; the legal name in the user's language is shown.
    assert hit.name == "Bakkerij De Kroon, Jansen & Zonen"
    assert lookup.by_number(BAKERY, language="fr").name == "Boulangerie La Couronne, Jansen & Fils"  # type: ignore[union-attr]
    assert ("2", "003", "De Kroon") in hit.names and ("2", "002", "BDK") in hit.names
    assert hit.legal_form_description == "Naamloze vennootschap"
    assert hit.start_date and hit.start_date.isoformat() == "1995-02-01"
    assert (hit.street, hit.postcode, hit.city) == ("Bondgenotenlaan 12 bus 3", "3000", "Leuven")
    # NACE per version with descriptions; version 2003 is not kept.
    assert {(n.version, n.code) for n in hit.nace} == {
        ("2008", "10710"),
        ("2008", "47240"),
        ("2025", "10710"),
    }
    main = hit.main_nace("2008")
    assert main is not None and main.description.startswith("Vervaardiging van brood")
    assert hit.fill() == {
        "name": "Bakkerij De Kroon, Jansen & Zonen",
        "street": "Bondgenotenlaan 12 bus 3",
        "postcode": "3000",
        "city": "Leuven",
        "legal_form": "NV",
        "nace_main": "10.710",
        "nace_other": "47.240",
    }


def test_establishment_address_when_the_enterprise_has_none(imported: Path) -> None:
    hit = lookup.by_number(SHOP, language="nl")
    assert hit is not None and hit.address_from_establishment
    assert (hit.street, hit.postcode, hit.city) == ("Meir 1", "2000", "Antwerpen")
    assert hit.legal_form == "BV"
    # An establishment unit's number leads to its enterprise.
    assert [h.number for h in lookup.search(dotted(UNIT))] == [SHOP]


def test_name_search_puts_active_enterprises_first(imported: Path) -> None:
    hits = lookup.search("bakkerij", language="nl")
    assert [h.number for h in hits] == [BAKERY, STOPPED]
    stopped = hits[1]
    assert not stopped.is_active and stopped.situation_description == "Ontbinding van rechtswege"
    assert stopped.name == 'Bakkerij Oud, "Het Hoekje"'
    # Contains / similar names, the commercial name, and the first digits of a number.
    assert BAKERY in [h.number for h in lookup.search("kroon")]
    assert [h.number for h in lookup.search("0201.31")] == [BAKERY]
    assert lookup.search("x") == []


def _words() -> set[str]:
    return set(NameWord.objects.values_list("word", flat=True))


def _rename_shop(tmp_path: Path, names: list[tuple[str, str, str]]) -> None:
    """Import an update extract that replaces the shop's names (language, type, name)."""
    path = tmp_path / "KboOpenData_0142_2026_12_Update.zip"
    write_extract(
        path,
        number=142,
        kind="update",
        snapshot="01-12-2026",
        tables={
            "denomination_delete": [(dotted(SHOP),)],
            "denomination_insert": [(dotted(SHOP), *name) for name in names],
        },
    )
    import_extract(path, refresh=False)


def test_the_words_of_the_names_follow_full_and_update_extracts(
    imported: Path, tmp_path: Path
) -> None:
    assert name_words("électricité dupont-smet & fils, 2000 bv") == [
        "électricité",
        "dupont",
        "smet",
        "fils",
    ]
    words = _words()
    assert {"bakkerij", "kroon", "jansen", "zonen", "boulangerie", "couronne", "codewerf"} <= words
    assert {"fils", "hoekje"} <= words
    assert not words & {"de", "la", "bdk", "het", "oud"}  # shorter than four letters
    _rename_shop(tmp_path, [("2", "001", "Codewerf"), ("2", "003", "Digitaal Atelier Meir")])
    assert {"digitaal", "atelier", "meir", "codewerf"} <= _words()
    # A word no name uses any more stays until the next full extract (see kbo._fill_name_words).
    assert "jansen" in _words()


def test_the_data_migration_fills_the_words_of_names_already_imported(imported: Path) -> None:
    NameWord.objects.all().delete()
    migration = importlib.import_module("digihub.registry.migrations.0006_fill_name_words")
    migration.forwards(django_apps, SimpleNamespace(connection=connection))
    assert {"bakkerij", "couronne", "codewerf", "hoekje"} <= _words()
    assert "bdk" not in _words()


@pytest.mark.postgres
def test_a_misspelt_name_is_corrected_word_by_word(imported: Path) -> None:
    if not lookup.has_trigram():
        pytest.skip("needs PostgreSQL with pg_trgm")
    with CaptureQueriesContext(connection) as captured:
        hits = lookup.search("bakkreij", language="nl")  # two letters swapped
    assert [h.number for h in hits] == [BAKERY, STOPPED]
    # Corrected against the words, not by comparing the text with every name (slow at scale).
    assert not any("word_similarity" in q["sql"] or "<%" in q["sql"] for q in captured)
    assert [h.number for h in lookup.search("codewref")] == [SHOP]
    # Each misspelt word of a longer text, the rest kept as typed.
    assert [h.number for h in lookup.search("bakkerij de kroom")] == [BAKERY]
    assert [h.number for h in lookup.search("boulangrie la couronen")] == [BAKERY]
    # Like no word at all: nothing, without reading the names' trigram index.
    with CaptureQueriesContext(connection) as captured:
        assert lookup.search("qxzvjwpk") == []
    assert not any("LIKE '%qxzvjwpk%'" in q["sql"] for q in captured)


def test_names_starting_with_the_text_do_not_use_up_the_limit_of_names_containing_it(
    tmp_path: Path, db: Any
) -> None:
    # Every "Bakker N" also contains "bakker": found twice, it would leave places unfilled.
    starting = [valid_number(3000000 + n) for n in range(8)]
    containing = [valid_number(3100000 + n) for n in range(30)]
    numbers = starting + containing
    write_extract(
        tmp_path / "KboOpenData_0150_2026_11_Full.zip",
        number=150,
        kind="full",
        tables={
            "code": [],
            "establishment": [],
            "address": [],
            "activity": [],
            "contact": [],
            "branch": [],
            "enterprise": [(dotted(n), "AC", "000", "2", "014", "", "01-01-2000") for n in numbers],
            "denomination": [(dotted(n), "2", "001", f"Bakker {i}") for i, n in enumerate(starting)]
            + [(dotted(n), "2", "001", f"De Bakker {i}") for i, n in enumerate(containing)],
        },
    )
    import_extract(tmp_path / "KboOpenData_0150_2026_11_Full.zip", refresh=False)
    hits = [h.number for h in lookup.search("bakker")]
    assert len(hits) == len(set(hits)) == 10
    assert set(starting) <= set(hits)


@pytest.mark.postgres
def test_a_garbled_word_leaves_the_others_corrected(imported: Path) -> None:
    if not lookup.has_trigram():
        pytest.skip("needs PostgreSQL with pg_trgm")
    # "qxzvjwpk" is like no word: left out, "bakkreij" still corrected.
    assert [h.number for h in lookup.search("bakkreij qxzvjwpk", language="nl")] == [
        BAKERY,
        STOPPED,
    ]
    assert [h.number for h in lookup.search("qxzvjwpk codewref")] == [SHOP]
    assert lookup.search("qxzvjwpk zwvkqpxj") == []


def _similarity_threshold() -> str:
    with connection.cursor() as cursor:
        # similarity() loads pg_trgm in this connection, which defines the setting
        cursor.execute("SELECT similarity('', ''), current_setting('pg_trgm.similarity_threshold')")
        return str(cursor.fetchone()[1])


@pytest.mark.postgres
def test_the_similarity_threshold_stays_within_the_look_up(imported: Path) -> None:
    if not lookup.has_trigram():
        pytest.skip("needs PostgreSQL with pg_trgm")
    before = _similarity_threshold()
    assert [h.number for h in lookup.search("bakkreij")] == [BAKERY, STOPPED]
    assert [h.number for h in lookup.search("boulangrie la couronen")] == [BAKERY]
    # Not left on the connection for whatever runs on it next (a pooled connection).
    assert _similarity_threshold() == before


@pytest.mark.postgres
def test_without_the_words_trigram_index_nothing_is_corrected(imported: Path) -> None:
    if not lookup.has_trigram():
        pytest.skip("needs PostgreSQL with pg_trgm")
    # pg_trgm installed after the migrations: the word table has no trigram index, and reading
    # all its words at each look-up would be slow at full size.
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX registry_nameword_trgm")
    lookup._WORD_INDEX.clear()
    try:
        with CaptureQueriesContext(connection) as captured:
            assert lookup.search("bakkreij") == []
            assert [h.number for h in lookup.search("kroon")] == [BAKERY]
        assert not any("FROM registry_nameword" in q["sql"] for q in captured)
    finally:
        lookup._WORD_INDEX.clear()  # the index comes back with the test's rollback


@pytest.mark.postgres
def test_the_words_of_an_insert_file_follow_the_files_condition(
    imported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digihub.registry import kbo

    if connection.vendor != "postgresql":
        pytest.skip("the condition is SQL on the staging table")
    # No published file has a condition on its names today; one that had must not add the words
    # of the rows it leaves out.
    specs = tuple(
        replace(spec, where="\"language\" <> '1'") if spec.name == "denomination" else spec
        for spec in kbo.SPECS
    )
    monkeypatch.setattr(kbo, "SPECS", specs)
    _rename_shop(tmp_path, [("2", "001", "Codewerf Atelier"), ("1", "001", "Chantier Numerique")])
    assert "atelier" in _words()
    assert not {"chantier", "numerique"} & _words()


def test_importing_the_same_extract_again_changes_nothing(imported: Path, tmp_path: Path) -> None:
    before = list(Denomination.objects.order_by("pk").values_list("entity_number", "denomination"))
    lines: list[str] = []
    report = import_extract(full_extract(tmp_path), log=lines.append)
    assert all(
        note == "already imported" or note == "not needed" for _n, _r, _s, note in report.files
    )
    assert any("already imported" in line for line in lines)
    after = list(Denomination.objects.order_by("pk").values_list("entity_number", "denomination"))
    assert before == after
    assert ImportRun.objects.filter(extract_number=140, finished_at__isnull=False).count() == 6


def test_update_deletes_and_reinserts_and_refreshes_companies(
    imported: Path, tmp_path: Path, network: Any
) -> None:
    company = make_company(
        enterprise_number=BAKERY,
        name="Bakkerij De Kroon, Jansen & Zonen",
        postcode="3000",
        city="Leuven",
    )
    # Created from a known number: what the form left empty came from the register.
    assert company.nace_main == "10.710" and company.legal_form == "NV"
    assert company.provenance["nace_main"]["source"] == "kbo"
    assert company.provenance["name"]["source"] == "kbo"
    # A person corrects the website and the other NACE codes: those stay theirs.
    from digihub.companies.services import company_update

    company = company_update(actor=None, company=company, data={"nace_other": "47.241"})
    assert company.provenance["nace_other"]["source"] == "entered"

    call_command("import_kbo", str(update_extract(tmp_path)), stdout=io.StringIO())
    hit = lookup.by_number(BAKERY, language="nl")
    assert hit is not None and hit.name == "Bakkerij De Kroon"
    assert ("2", "003", "De Kroon") not in hit.names  # deleted with the update
    assert lookup.search("jansen") == []
    company.refresh_from_db()
    assert company.name == "Bakkerij De Kroon"
    assert company.street == "Tiensestraat 7"
    assert company.nace_other == "47.241"  # typed by a person: kept
    assert company.provenance["name"] == {
        "source": "kbo",
        "value": "Bakkerij De Kroon",
        "on": company.provenance["name"]["on"],
        "extract": 141,
    }
    latest = company.history.first()
    assert latest is not None and latest.history_change_reason == "KBO open data, extract 141"
    # The same update again: every file is skipped, nothing changes.
    version = company.version
    import_extract(update_extract(tmp_path))
    company.refresh_from_db()
    assert company.version == version


def test_lookup_pages_and_api(imported: Path, people: Any, client_for: Any, client: Any) -> None:
    response = client.get(reverse("registry:lookup"), {"q": "bakkerij"})
    assert response.status_code == 302  # name search needs a login
    public = client.get(reverse("registry:public_lookup"), {"enterprise_number": "0201.310.929"})
    assert public.status_code == 200 and "Bakkerij De Kroon, Jansen &amp; Zonen" in public.text
    # The public look-up answers one exact, valid number only.
    assert (
        "Bakkerij"
        not in client.get(reverse("registry:public_lookup"), {"enterprise_number": "bakkerij"}).text
    )
    assert (
        "Bakkerij"
        not in client.get(
            reverse("registry:public_lookup"), {"enterprise_number": "0201.310.928"}
        ).text
    )
    advisor = client_for(people.advisor_a)
    page = advisor.get(reverse("registry:lookup"), {"q": "bakk"})
    assert 'data-fill-nace_main="10.710"' in page.text
    assert 'data-fill-legal_form="NV"' in page.text
    assert "Ontbinding van rechtswege" in page.text
    api = advisor.get("/api/v1/registry/enterprises", {"q": "codewerf"})
    assert api.status_code == 200
    [found] = api.json()
    assert found["number"] == SHOP and found["address_from_establishment"] is True
    assert found["fill"]["city"] == "Antwerpen"
    sme = client_for(people.sme_x)
    assert sme.get("/api/v1/registry/enterprises", {"q": "codewerf"}).status_code == 403


def test_bad_source_is_refused(tmp_path: Path, db: Any) -> None:
    from django.core.management.base import CommandError

    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match=r"meta\.csv"):
        call_command("import_kbo", str(tmp_path / "empty"))
    assert not Company.objects.exists()
