from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

import pytest

os.environ.setdefault("DIGIHUB_TESTING", "1")

from .factories import UserFactory, make_company


@pytest.fixture
def network(db: Any) -> SimpleNamespace:
    """The demo network registry (provinces, chambers, hubs, partners, postcode areas)."""
    from digihub.network import demo
    from digihub.network.models import Chamber, Hub, KnowledgePartner, Province, Theme

    demo.build()
    return SimpleNamespace(
        chamber_a=Chamber.objects.get(short_name="Voka Vlaams-Brabant"),
        chamber_b=Chamber.objects.get(short_name="Voka Antwerpen-Waasland"),
        hub_a=Hub.objects.get(province__code="VBR"),
        hub_b=Hub.objects.get(province__code="ANT"),
        partner_p=KnowledgePartner.objects.get(short_name="VUB"),
        partner_q=KnowledgePartner.objects.get(short_name="UAntwerpen"),
        province_vbr=Province.objects.get(code="VBR"),
        themes=list(Theme.objects.all()),
    )


@pytest.fixture
def people(network: SimpleNamespace) -> SimpleNamespace:
    """One user per role and organisation, and a company for each chamber."""
    from digihub.accounts.roles import Role

    company_x = make_company(name="Bedrijf X", postcode="3000", city="Leuven")
    company_y = make_company(name="Bedrijf Y", postcode="2000", city="Antwerpen")
    return SimpleNamespace(
        company_x=company_x,
        company_y=company_y,
        advisor_a=UserFactory(role=Role.ADVISOR, chamber=network.chamber_a),
        advisor_b=UserFactory(role=Role.ADVISOR, chamber=network.chamber_b),
        partner_p=UserFactory(role=Role.PARTNER, partner=network.partner_p),
        partner_q=UserFactory(role=Role.PARTNER, partner=network.partner_q),
        sme_x=UserFactory(role=Role.SME, company=company_x),
        sme_y=UserFactory(role=Role.SME, company=company_y),
        officer=UserFactory(role=Role.OFFICER),
        coordinator=UserFactory(role=Role.COORDINATOR),
    )


@pytest.fixture
def client_for(client: Any) -> Any:
    def login(user: Any) -> Any:
        client.force_login(user)
        return client

    return login


@pytest.fixture
def english(settings: Any, monkeypatch: Any) -> Any:
    """Run a test in English: pages (requests say they accept English unless a test says
    otherwise), services' messages and e-mails to recipients without a preference. Tests that
    read texts back use this, so they do not depend on the state of a catalogue."""
    from django.test.client import RequestFactory
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    base_environ = RequestFactory._base_environ

    def environ(self: Any, **request: Any) -> Any:
        env = base_environ(self, **request)
        env.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
        return env

    monkeypatch.setattr(RequestFactory, "_base_environ", environ)
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_language_left_behind() -> Any:
    """A request activates its language for the thread; the next test starts from the default."""
    from django.utils import translation

    yield
    translation.deactivate()
