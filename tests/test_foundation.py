from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from digihub.accounts.models import ApiToken
from digihub.companies.models import Company
from digihub.companies.services import company_update, nace_section
from digihub.companies.sme import SizeClass, classify
from digihub.companies.validators import normalise_enterprise_number
from digihub.network.routing import route_postcode

from .factories import make_company


class TestEnterpriseNumber:
    def test_normalises_dotted_and_prefixed_forms(self) -> None:
        assert normalise_enterprise_number("BE 0403.019.261") == "0403019261"
        assert normalise_enterprise_number("403019261") == "0403019261"

    @pytest.mark.parametrize(
        ("value", "fragment"),
        [
            ("0403.019.262", "check digit"),
            ("2403019261", "0 or 1"),
            ("12345", "ten digits"),
            ("abc", "ten digits"),
        ],
    )
    def test_refuses_with_reason(self, value: str, fragment: str) -> None:
        from django.utils import translation

        with translation.override("en"), pytest.raises(ValidationError) as info:
            normalise_enterprise_number(value)
        assert fragment in " ".join(info.value.messages)

    @given(st.integers(min_value=1, max_value=19_999_999))
    def test_generated_numbers_validate(self, base: int) -> None:
        from digihub.companies.demo import enterprise_number

        number = enterprise_number(base)
        assert normalise_enterprise_number(number) == number


class TestSmeClass:
    @pytest.mark.parametrize(
        ("staff", "turnover", "balance", "expected"),
        [
            (5, "1500000", None, SizeClass.MICRO),
            (9, "5000000", "1900000", SizeClass.MICRO),  # balance under the ceiling is enough
            (10, "1000000", "1000000", SizeClass.SMALL),
            (49, "10000000", None, SizeClass.SMALL),
            (49, "10000001", "10000001", SizeClass.MEDIUM),
            (249, "50000000", None, SizeClass.MEDIUM),
            (120, "60000000", "43000000", SizeClass.MEDIUM),
            (120, "60000000", "44000000", SizeClass.LARGE),
            (250, "1000", "1000", SizeClass.LARGE),
            (None, "1000", None, SizeClass.UNKNOWN),
        ],
    )
    def test_recommendation_2003_361(self, staff, turnover, balance, expected) -> None:  # type: ignore[no-untyped-def]
        to_dec = lambda v: Decimal(v) if v is not None else None  # noqa: E731
        assert classify(staff, to_dec(turnover), to_dec(balance)) == expected


@pytest.mark.django_db
class TestRouting:
    @pytest.mark.parametrize(
        ("postcode", "province", "chamber", "hub"),
        [
            ("3000", "VBR", "Voka Vlaams-Brabant", "VBR"),
            ("1000", "BRU", "Voka Vlaams-Brabant", "VBR"),
            ("2000", "ANT", "Voka Antwerpen-Waasland", "ANT"),
            ("2800", "ANT", "Voka Mechelen-Kempen", "ANT"),
            ("9100", "OVL", "Voka Antwerpen-Waasland", "OVL"),
            ("9000", "OVL", "Voka Oost-Vlaanderen", "OVL"),
            ("3500", "LIM", "Voka Limburg", "LIM"),
            ("8500", "WVL", "Voka West-Vlaanderen", "WVL"),
        ],
    )
    def test_postcode_routes_to_province_chamber_hub(
        self, network, postcode, province, chamber, hub
    ) -> None:  # type: ignore[no-untyped-def]
        route = route_postcode(postcode)
        assert route.province.code == province
        assert route.chamber is not None and route.chamber.short_name == chamber
        assert route.hub is not None and route.hub.province.code == hub

    def test_walloon_postcode_has_province_but_no_hub(self, network) -> None:  # type: ignore[no-untyped-def]
        route = route_postcode("4000")
        assert route.province.code == "LIE" and route.hub is None

    @pytest.mark.parametrize("postcode", ["999", "10000", "75001", "ABCD", ""])
    def test_non_belgian_postcode_refused(self, network, postcode) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationError):
            route_postcode(postcode)


@pytest.mark.django_db
class TestCompanyService:
    def test_create_routes_and_classifies(self, network) -> None:  # type: ignore[no-untyped-def]
        company = make_company(
            postcode="2800",
            city="Mechelen",
            employees=30,
            turnover=Decimal("4000000"),
            nace_main="62.010",
        )
        assert company.province.code == "ANT"
        assert company.chamber.short_name == "Voka Mechelen-Kempen"
        assert company.size_class == SizeClass.SMALL and company.is_sme
        assert company.nace_section == "J"

    def test_duplicate_is_refused_and_nothing_saved(self, network) -> None:  # type: ignore[no-untyped-def]
        company = make_company()
        before = Company.objects.count()
        with pytest.raises(ValidationError) as info:
            make_company(enterprise_number=company.enterprise_number_display)
        assert "enterprise_number" in info.value.message_dict
        assert Company.objects.count() == before

    def test_negative_and_absurd_sizes_refused(self, network) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationError) as info:
            make_company(turnover=Decimal("-1"), employees=5_000_000)
        assert {"turnover", "employees"} <= set(info.value.message_dict)

    def test_stale_version_is_refused(self, network) -> None:  # type: ignore[no-untyped-def]
        company = make_company()
        company_update(
            actor=None, company=company, data={"name": "Nieuwe naam"}, expected_version=1
        )
        with pytest.raises(ValidationError):
            company_update(
                actor=None, company=company, data={"name": "Andere naam"}, expected_version=1
            )
        company.refresh_from_db()
        assert company.name == "Nieuwe naam"

    def test_nace_sections(self) -> None:
        assert nace_section("01.110") == "A"
        assert nace_section("25.620") == "C"
        assert nace_section("62.010") == "J"
        assert nace_section("x") == ""


@pytest.mark.django_db
class TestPagesAndPermissions:
    def test_advisor_sees_only_own_chamber(self, people, client_for) -> None:  # type: ignore[no-untyped-def]
        client = client_for(people.advisor_a)
        listing = client.get(reverse("companies:list"))
        assert "Bedrijf X" in listing.content.decode()
        assert "Bedrijf Y" not in listing.content.decode()
        assert (
            client.get(reverse("companies:detail", args=[people.company_x.pk])).status_code == 200
        )
        assert (
            client.get(reverse("companies:detail", args=[people.company_y.pk])).status_code == 404
        )

    def test_api_applies_same_rule(self, people, client) -> None:  # type: ignore[no-untyped-def]
        _token, raw = ApiToken.issue(people.advisor_a, "test")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        assert client.get(f"/api/v1/companies/{people.company_x.pk}", **auth).status_code == 200
        assert client.get(f"/api/v1/companies/{people.company_y.pk}", **auth).status_code == 404
        names = [c["name"] for c in client.get("/api/v1/companies/", **auth).json()]
        assert names == ["Bedrijf X"]

    def test_company_lookup_suggests_only_visible_companies(self, people, client_for) -> None:  # type: ignore[no-untyped-def]
        client = client_for(people.advisor_a)
        body = client.get(reverse("companies:lookup"), {"q": "Bedrijf"}).content.decode()
        assert "Bedrijf X" in body and "Bedrijf Y" not in body
        assert people.company_x.enterprise_number_display in body
        digits = people.company_x.enterprise_number[-6:]
        assert (
            "Bedrijf X" in client.get(reverse("companies:lookup"), {"q": digits}).content.decode()
        )
        hint = client.get(reverse("companies:lookup"), {"q": "B"}).content.decode()
        assert "Bedrijf X" not in hint
        other = client_for(people.advisor_b)
        body = other.get(reverse("companies:lookup"), {"q": "Bedrijf"}).content.decode()
        assert "Bedrijf Y" in body and "Bedrijf X" not in body

    def test_sme_sees_only_itself(self, people, client_for) -> None:  # type: ignore[no-untyped-def]
        client = client_for(people.sme_x)
        assert (
            client.get(reverse("companies:detail", args=[people.company_x.pk])).status_code == 200
        )
        assert (
            client.get(reverse("companies:detail", args=[people.company_y.pk])).status_code == 404
        )

    def test_bad_enterprise_number_on_page_keeps_input(self, people, client_for) -> None:  # type: ignore[no-untyped-def]
        client = client_for(people.advisor_a)
        before = Company.objects.count()
        response = client.post(
            reverse("companies:create"),
            {
                "enterprise_number": "0403.019.262",
                "name": "Foutje BV",
                "legal_form": "BV",
                "postcode": "3000",
                "city": "Leuven",
                "employees": "3",
            },
            HTTP_ACCEPT_LANGUAGE="nl",
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "Foutje BV" in body  # what the user typed is still there
        assert "controlecijfer" in body or "check digit" in body
        assert Company.objects.count() == before

    def test_api_bad_input_gives_field_errors(self, people, client) -> None:  # type: ignore[no-untyped-def]
        _token, raw = ApiToken.issue(people.advisor_a, "test")
        response = client.post(
            "/api/v1/companies/",
            {"enterprise_number": "0403019262", "name": "X", "postcode": "75001", "city": "Paris"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert response.status_code == 422
        fields = {d["loc"][-1] for d in response.json()["detail"]}
        assert {"enterprise_number", "postcode"} <= fields

    def test_edit_is_audited_and_shown(self, people, client_for) -> None:  # type: ignore[no-untyped-def]
        client = client_for(people.advisor_a)
        company = people.company_x
        response = client.post(
            reverse("companies:edit", args=[company.pk]),
            {
                "enterprise_number": company.enterprise_number,
                "name": "Bedrijf X Hernoemd",
                "legal_form": "BV",
                "postcode": "3000",
                "city": "Leuven",
                "employees": "12",
                "turnover": "3000000",
                "version": company.version,
            },
        )
        assert response.status_code == 302
        page = client.get(reverse("companies:detail", args=[company.pk])).content.decode()
        assert "Bedrijf X Hernoemd" in page
        record = company.history.order_by("-history_date").first()
        assert record.history_user == people.advisor_a

    def test_anonymous_is_sent_to_login(self, people, client) -> None:  # type: ignore[no-untyped-def]
        response = client.get(reverse("companies:list"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert client.get("/api/v1/companies/").status_code == 401

    def test_openapi_schema_served(self, client, db) -> None:  # type: ignore[no-untyped-def]
        schema = client.get("/api/v1/openapi.json").json()
        assert "/api/v1/companies/" in schema["paths"]


class TestBelgianNumbers:
    @given(st.integers(min_value=-(10**15), max_value=10**15))
    def test_integer_fast_path_equals_babel(self, value: int) -> None:
        from babel.numbers import format_decimal
        from django.utils import translation

        from digihub.core.formatting import number

        for language, locale in (("nl", "nl_BE"), ("en", "en_IE")):
            with translation.override(language):
                assert number(value) == format_decimal(value, locale=locale)


class TestFastSelect:
    def test_same_markup_as_django_select(self) -> None:
        from django import forms
        from django.test.html import parse_html

        from digihub.core.widgets import FastSelect

        choices = [("", "—"), ("1", "VUB & <b>co</b>"), ("2", 'Say "hi"')]
        grouped = [("Flanders", [("3", "KU Leuven")]), ("4", "Sirris")]
        for options, value in ((choices, "1"), (grouped, "3"), (choices, None)):
            attrs = {"id": "id_p", "data-searchable": "Filter <x>"}
            fast = FastSelect(attrs=attrs, choices=options).render("p", value)
            slow = forms.Select(attrs=attrs, choices=options).render("p", value)
            assert parse_html(fast) == parse_html(slow)
            assert "<b>" not in fast
