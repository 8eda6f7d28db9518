"""Reference data in the reader's language (Dutch, English, French), and the person's preferred
language applied to the pages."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from digihub.accounts.models import User
from digihub.accounts.roles import Role
from digihub.funding import demo as funding_demo
from digihub.funding.models import FundingSource, Payer, ProjectType
from digihub.network.models import Province, Theme

from .factories import UserFactory
from .test_reporting import world  # noqa: F401  (the hand-counted fixture)

PASSWORD = "correct-horse-battery"


def _login(client: Client, user: User) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


@pytest.mark.django_db
class TestNamesInTheReadersLanguage:
    def test_each_language_with_dutch_as_fallback(self, network: Any) -> None:
        hainaut = Province.objects.get(code="HAI")
        for language, expected in (("nl", "Henegouwen"), ("en", "Hainaut"), ("fr", "Hainaut")):
            with translation.override(language):
                assert str(hainaut) == expected
        antwerp = Province.objects.get(code="ANT")
        with translation.override("fr"):
            assert antwerp.name == "Anvers"
            assert Theme.objects.get(code="ai").name == "Intelligence artificielle"
        antwerp.name_fr = ""
        with translation.override("fr-be"):
            assert antwerp.name == "Antwerpen"  # no French name yet: the Dutch one
        assert antwerp.name_in("en") == "Antwerp"

    @pytest.mark.parametrize(
        ("app", "migration"),
        [("network", "0003_french_names_data"), ("funding", "0009_french_names_data")],
    )
    def test_migration_fills_the_seeded_rows_and_keeps_what_was_set(
        self, network: Any, app: str, migration: str
    ) -> None:
        funding_demo.build()
        Province.objects.update(name_fr="")
        Theme.objects.update(name_fr="")
        FundingSource.objects.update(name_fr="")
        ProjectType.objects.update(name_fr="")
        Province.objects.filter(code="LUX").update(name_fr="Province de Luxembourg")
        FundingSource.objects.create(code="wallonie", name_nl="Waals Gewest", payer=Payer.REGION)
        module = importlib.import_module(f"digihub.{app}.migrations.{migration}")
        module.fill(apps, None)
        if app == "network":
            french = dict(Province.objects.values_list("code", "name_fr"))
            assert french["OVL"] == "Flandre orientale"
            assert french["WBR"] == "Brabant wallon"
            assert french["LIE"] == "Liège"
            assert french["LUX"] == "Province de Luxembourg"  # set in the admin: kept
            assert not Theme.objects.filter(name_fr="").exists()
        else:
            assert FundingSource.objects.get(code="flemish").name_fr == "Cofinancement flamand"
            assert FundingSource.objects.get(code="wallonie").name_fr == ""  # not seeded
            assert set(ProjectType.objects.values_list("name_fr", flat=True)) >= {
                "Accompagnement des PME",
                "Fonctionnement (communication, plateforme, coordination, évaluation)",
            }


@pytest.mark.django_db
class TestRegionalPayer:
    def test_the_region_is_the_one_the_source_names(self, network: Any) -> None:
        funding_demo.build()
        walloon = FundingSource.objects.create(
            code="wallonie", name_nl="Waals Gewest", name_fr="Région wallonne", payer=Payer.REGION
        )
        with translation.override("fr"):
            assert walloon.payer_name == "Région wallonne"
        with translation.override("nl"):
            assert walloon.payer_name == "Waals Gewest"
            assert FundingSource.objects.get(code="flemish").payer_name == (
                "Vlaamse cofinanciering"
            )
        with translation.override("en"):
            assert FundingSource.objects.get(code="efro").payer_name == str(Payer.EU.label)

    def test_admin_list_shows_no_flemish_payer_for_a_walloon_source(
        self, network: Any, client: Client
    ) -> None:
        FundingSource.objects.create(code="wallonie", name_nl="Waals Gewest", payer=Payer.REGION)
        client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
        page = client.get("/admin/funding/fundingsource/", HTTP_ACCEPT_LANGUAGE="en")
        text = page.content.decode()
        assert page.status_code == 200
        assert "Waals Gewest" in text
        assert "Flemish" not in text


@pytest.mark.django_db
class TestPreferredLanguage:
    @pytest.mark.parametrize(
        ("language", "province", "other"),
        [("fr", "Brabant flamand", "Vlaams-Brabant"), ("en", "Flemish Brabant", "Brabant flamand")],
    )
    def test_a_person_logs_in_and_reads_their_language(
        self, network: Any, client: Client, language: str, province: str, other: str
    ) -> None:
        user = UserFactory(role=Role.COORDINATOR, language=language)
        _login(client, user)
        # The browser asks for Dutch; the person's preference wins while nothing was switched.
        page = client.get(reverse("network:hub_list"), HTTP_ACCEPT_LANGUAGE="nl")
        text = page.content.decode()
        assert page.status_code == 200
        assert f'<html lang="{language}">' in text
        assert page["Content-Language"] == language
        assert f"<dd>{province}</dd>" in text
        assert f"<dd>{other}</dd>" not in text

    def test_without_a_preference_the_browser_decides(self, network: Any, client: Client) -> None:
        _login(client, UserFactory(role=Role.COORDINATOR, language=""))
        page = client.get(reverse("network:hub_list"), HTTP_ACCEPT_LANGUAGE="en")
        assert '<html lang="en">' in page.content.decode()

    def test_the_switch_overrides_and_is_remembered(self, network: Any, client: Client) -> None:
        user = UserFactory(role=Role.COORDINATOR, language="fr")
        _login(client, user)
        hubs = reverse("network:hub_list")
        response = client.post(reverse("set_language"), {"language": "en", "next": hubs})
        assert response.status_code == 302
        assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        user.refresh_from_db()
        assert user.language == "en"
        assert '<html lang="en">' in client.get(hubs).content.decode()
        # Another browser, without the switch's cookie, follows the stored preference.
        other = Client()
        _login(other, user)
        assert '<html lang="en">' in other.get(hubs, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    def test_the_switch_before_logging_in_stores_nothing(
        self, network: Any, client: Client
    ) -> None:
        user = UserFactory(role=Role.COORDINATOR, language="fr")
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        user.refresh_from_db()
        assert user.language == "fr"
        _login(client, user)
        # The browser's explicit choice wins over the stored preference.
        page = client.get(reverse("network:hub_list"))
        assert '<html lang="en">' in page.content.decode()

    def test_an_unknown_language_changes_nothing(self, network: Any, client: Client) -> None:
        user = UserFactory(role=Role.COORDINATOR, language="fr")
        _login(client, user)
        client.post(reverse("set_language"), {"language": "xx", "next": "/"})
        user.refresh_from_db()
        assert user.language == "fr"


def _catalogue_has(language: str, message: str) -> bool:
    with translation.override(language):
        return translation.gettext(message) != message


@pytest.mark.django_db
def test_report_offered_and_downloaded_in_french(world: Any, client_for: Any) -> None:  # noqa: F811
    import io

    from docx import Document
    from pypdf import PdfReader

    client = client_for(world.coordinator)
    page = client.get(reverse("reporting:report"), HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert '<html lang="fr">' in html
    pdf_url = reverse("reporting:download", args=["pdf"])
    assert f'href="{pdf_url}?lang=fr" hreflang="fr"' in html

    pdf = client.get(pdf_url, {"lang": "fr"})
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.content))
    assert reader.trailer["/Root"].get("/Lang") == "fr"
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    # Data named in French, whatever the state of the catalogue.
    assert "Brabant flamand" in text and "Anvers" in text
    assert "Accompagnement des PME" in text
    if _catalogue_has("fr", "Co-funded by the European Union"):
        assert "Cofinancé par l'Union européenne" in text
        assert "Co-funded by the European Union" not in text

    docx = client.get(reverse("reporting:download", args=["docx"]), {"lang": "fr"})
    assert Document(io.BytesIO(docx.content)).core_properties.language == "fr-BE"
    xlsx = client.get(reverse("reporting:download", args=["xlsx"]), {"lang": "fr"})
    assert xlsx.status_code == 200

    # An unknown language gives the answer as it is given: in Dutch.
    dutch = client.get(pdf_url, {"lang": "xx"})
    dutch_root = PdfReader(io.BytesIO(dutch.content)).trailer["/Root"]
    assert dutch_root.get("/Lang") == "nl"
