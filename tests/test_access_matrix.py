"""Every URL pattern and API endpoint, for every role, against objects of each organisation.

Organisation A is chamber "Voka Vlaams-Brabant" with company X and knowledge partner P (VUB);
organisation B is chamber "Voka Antwerpen-Waasland" with company Y and partner Q (UAntwerpen).
Every object of A carries the marker SECRET_A in a free-text field, every object of B SECRET_B.
A role may never receive a page or API response that contains the other organisation's marker,
and an object URL of the other organisation answers 403/404 (or a redirect to log in).

New URL patterns with parameters must be added to OBJECT_URLS (or to SKIP with a reason), so a
forgotten permission check cannot slip in unnoticed: the test fails until they are covered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from digihub.companies.models import Contact

SECRET_A = "GEHEIM-A-7f3q"
SECRET_B = "GEHEIM-B-9k2z"

# Which organisation's data each role may see ("A", "B", both, or none).
ROLES: dict[str, set[str]] = {
    "anonymous": set(),
    "advisor_a": {"A"},
    "advisor_b": {"B"},
    "partner_p": {"A"},
    "partner_q": {"B"},
    "sme_x": {"A"},
    "sme_y": {"B"},
    "officer": {"A", "B"},
    "coordinator": {"A", "B"},
}

# URL prefixes that are not the platform's own pages (framework, login flows, docs).
SKIP_PREFIXES = ("admin/", "accounts/", "i18n/", "static/", "__debug__/")
SKIP_NAMES = {
    "api-v1:openapi-json",
    "api-v1:openapi-view",
}


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield prefix + str(entry.pattern), name, entry


def all_patterns() -> list[tuple[str, str, URLPattern]]:
    return [
        (route, name, pattern)
        for route, name, pattern in _walk(get_resolver().url_patterns)
        if not route.startswith(SKIP_PREFIXES) and name not in SKIP_NAMES
    ]


# name -> builder(world) returning {"A": kwargs, "B": kwargs}
ObjectUrl = Callable[[SimpleNamespace], dict[str, dict[str, Any]]]
OBJECT_URLS: dict[str, ObjectUrl] = {
    "assessments:detail": lambda w: _maturity(w),
    "assessments:answer": lambda w: _maturity(w),
    "assessments:invite": lambda w: _maturity(w),
    "assessments:cancel": lambda w: _maturity(w),
    "assessments:start": lambda w: {
        "A": {"company_pk": w.company_x.pk},
        "B": {"company_pk": w.company_y.pk},
    },
    "assessments:company_chart": lambda w: {
        "A": {"company_pk": w.company_x.pk},
        "B": {"company_pk": w.company_y.pk},
    },
    "api-v1:company_assessments": lambda w: {
        "A": {"company_id": w.company_x.pk},
        "B": {"company_id": w.company_y.pk},
    },
    "api-v1:session_attendance": lambda w: {
        "A": {"session_id": w.session_x.pk},
        "B": {"session_id": w.session_y.pk},
    },
    "api-v1:trajectory_investment": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk},
        "B": {"trajectory_id": w.traj_y.pk},
    },
    "assessments:investment": lambda w: {
        "A": {"trajectory_pk": w.traj_x.pk},
        "B": {"trajectory_pk": w.traj_y.pk},
    },
    "registry:export": lambda w: {
        "A": {"hub_pk": w.company_x.hub_id},
        "B": {"hub_pk": w.company_y.hub_id},
    },
    "registry:register_import": lambda w: {
        "A": {"hub_pk": w.company_x.hub_id},
        "B": {"hub_pk": w.company_y.hub_id},
    },
    "api-v1:start_export": lambda w: {
        "A": {"hub_id": w.company_x.hub_id},
        "B": {"hub_id": w.company_y.hub_id},
    },
    "api-v1:fetch_export": lambda w: {
        "A": {"hub_id": w.company_x.hub_id, "result_id": "0"},
        "B": {"hub_id": w.company_y.hub_id, "result_id": "0"},
    },
    "companies:detail": lambda w: {"A": {"pk": w.company_x.pk}, "B": {"pk": w.company_y.pk}},
    "companies:edit": lambda w: {"A": {"pk": w.company_x.pk}, "B": {"pk": w.company_y.pk}},
    "companies:contact_add": lambda w: {"A": {"pk": w.company_x.pk}, "B": {"pk": w.company_y.pk}},
    "companies:contact_export": lambda w: {
        "A": {"pk": w.contact_x.pk},
        "B": {"pk": w.contact_y.pk},
    },
    "companies:contact_erase": lambda w: {"A": {"pk": w.contact_x.pk}, "B": {"pk": w.contact_y.pk}},
    "companies:contact_confirm": lambda w: {
        "A": {"pk": w.contact_x.pk},
        "B": {"pk": w.contact_y.pk},
    },
    "funding:budget_edit": lambda w: {"A": {"pk": w.budget_a.pk}, "B": {"pk": w.budget_b.pk}},
    "funding:operational_cost": lambda w: {"A": {"pk": w.budget_a.pk}, "B": {"pk": w.budget_b.pk}},
    "funding:payment_paid": lambda w: {"A": {"pk": w.payment_x.pk}, "B": {"pk": w.payment_y.pk}},
    **{
        f"funding:{name}": lambda w: {"A": {"pk": w.payment_x.pk}, "B": {"pk": w.payment_y.pk}}
        for name in (
            "payment_detail",
            "payment_qr",
            "payment_pdf",
            "payment_receive",
            "payment_cancel",
            "payment_refund",
        )
    },
    "funding:statement": lambda w: _money(w)["statement"],
    "funding:entry_resolve": lambda w: _money(w)["entry"],
    "funding:entry_dismiss": lambda w: _money(w)["entry"],
    **{
        f"api-v1:{name}": lambda w: {
            org: {"statement_id": kw["pk"]} for org, kw in _money(w)["statement"].items()
        }
        for name in ("get_statement", "statement_entries")
    },
    **{
        f"api-v1:{name}": lambda w: {
            org: {"entry_id": kw["pk"]} for org, kw in _money(w)["entry"].items()
        }
        for name in ("resolve_entry", "dismiss_entry")
    },
    "funding:de_minimis": lambda w: {
        "A": {"company_id": w.company_x.pk},
        "B": {"company_id": w.company_y.pk},
    },
    "api-v1:payment_paid": lambda w: {
        "A": {"payment_id": w.payment_x.pk},
        "B": {"payment_id": w.payment_y.pk},
    },
    "api-v1:set_budget": lambda w: {
        "A": {"budget_id": w.budget_a.pk},
        "B": {"budget_id": w.budget_b.pk},
    },
    "intake:detail": lambda w: {"A": {"pk": w.question_x.pk}, "B": {"pk": w.question_y.pk}},
    "intake:take": lambda w: {"A": {"pk": w.question_x.pk}, "B": {"pk": w.question_y.pk}},
    "intake:conversation": lambda w: {"A": {"pk": w.question_x.pk}, "B": {"pk": w.question_y.pk}},
    "intake:waiting": lambda w: {"A": {"pk": w.question_x.pk}, "B": {"pk": w.question_y.pk}},
    "intake:hand_over": lambda w: {"A": {"pk": w.question_x.pk}, "B": {"pk": w.question_y.pk}},
    "intake:decide_trajectory": lambda w: {
        "A": {"pk": w.question_x.pk},
        "B": {"pk": w.question_y.pk},
    },
    "intake:decide_route": lambda w: {"A": {"pk": w.question_x.pk}, "B": {"pk": w.question_y.pk}},
    "intake:close_info": lambda w: {"A": {"pk": w.question_x.pk}, "B": {"pk": w.question_y.pk}},
    "intake:reopen": lambda w: {"A": {"pk": w.question_x.pk}, "B": {"pk": w.question_y.pk}},
    "intake:allow": lambda w: {"A": {"pk": w.question_x.pk}, "B": {"pk": w.question_y.pk}},
    "intake:validate": lambda w: {"A": {"pk": w.question_x.pk}, "B": {"pk": w.question_y.pk}},
    "intake:attach": lambda w: {"A": {"pk": w.question_x.pk}, "B": {"pk": w.question_y.pk}},
    "intake:attachment": lambda w: {"A": {"pk": w.attachment_x.pk}, "B": {"pk": w.attachment_y.pk}},
    "api-v1:get_question": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:take": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:conversation": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:decide_trajectory": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:decide_route": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:close_info": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:reopen": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:approve": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:reject": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "trajectories:detail": lambda w: {"A": {"pk": w.traj_x.pk}, "B": {"pk": w.traj_y.pk}},
    "trajectories:quote_new": lambda w: {"A": {"pk": w.traj_x.pk}, "B": {"pk": w.traj_y.pk}},
    "trajectories:quote_split": lambda w: {"A": {"pk": w.traj_x.pk}, "B": {"pk": w.traj_y.pk}},
    "trajectories:session_add": lambda w: {"A": {"pk": w.traj_x.pk}, "B": {"pk": w.traj_y.pk}},
    "trajectories:advice": lambda w: {"A": {"pk": w.traj_x.pk}, "B": {"pk": w.traj_y.pk}},
    "trajectories:advice_file": lambda w: {"A": {"pk": w.traj_x.pk}, "B": {"pk": w.traj_y.pk}},
    "trajectories:complete": lambda w: {"A": {"pk": w.traj_x.pk}, "B": {"pk": w.traj_y.pk}},
    "trajectories:stop": lambda w: {"A": {"pk": w.traj_x.pk}, "B": {"pk": w.traj_y.pk}},
    "trajectories:change_partner": lambda w: {"A": {"pk": w.traj_x.pk}, "B": {"pk": w.traj_y.pk}},
    "trajectories:survey": lambda w: {"A": {"pk": w.traj_x.pk}, "B": {"pk": w.traj_y.pk}},
    "trajectories:quote_edit": lambda w: {
        "A": {"pk": w.traj_x.pk, "quote_pk": w.quote_x.pk},
        "B": {"pk": w.traj_y.pk, "quote_pk": w.quote_y.pk},
    },
    "trajectories:quote_issue": lambda w: {
        "A": {"pk": w.traj_x.pk, "quote_pk": w.quote_x.pk},
        "B": {"pk": w.traj_y.pk, "quote_pk": w.quote_y.pk},
    },
    "trajectories:quote_pdf": lambda w: {
        "A": {"pk": w.traj_x.pk, "quote_pk": w.quote_x.pk},
        "B": {"pk": w.traj_y.pk, "quote_pk": w.quote_y.pk},
    },
    "trajectories:quote_sign": lambda w: {
        "A": {"pk": w.traj_x.pk, "quote_pk": w.quote_x.pk},
        "B": {"pk": w.traj_y.pk, "quote_pk": w.quote_y.pk},
    },
    "trajectories:quote_signed_copy": lambda w: {
        "A": {"pk": w.traj_x.pk, "quote_pk": w.quote_x.pk},
        "B": {"pk": w.traj_y.pk, "quote_pk": w.quote_y.pk},
    },
    "trajectories:quote_copy_file": lambda w: {
        "A": {"pk": w.traj_x.pk, "quote_pk": w.quote_x.pk},
        "B": {"pk": w.traj_y.pk, "quote_pk": w.quote_y.pk},
    },
    "trajectories:session_outcome": lambda w: {
        "A": {"pk": w.traj_x.pk, "session_pk": w.session_x.pk},
        "B": {"pk": w.traj_y.pk, "session_pk": w.session_y.pk},
    },
    "trajectories:session_ics": lambda w: {
        "A": {"pk": w.traj_x.pk, "session_pk": w.session_x.pk},
        "B": {"pk": w.traj_y.pk, "session_pk": w.session_y.pk},
    },
    "api-v1:get_trajectory": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk},
        "B": {"trajectory_id": w.traj_y.pk},
    },
    "api-v1:list_quotes": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk},
        "B": {"trajectory_id": w.traj_y.pk},
    },
    "api-v1:create_quote": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk},
        "B": {"trajectory_id": w.traj_y.pk},
    },
    "api-v1:list_sessions": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk},
        "B": {"trajectory_id": w.traj_y.pk},
    },
    "api-v1:plan_session": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk},
        "B": {"trajectory_id": w.traj_y.pk},
    },
    "api-v1:sessions_ics": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk},
        "B": {"trajectory_id": w.traj_y.pk},
    },
    "api-v1:deliver_advice": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk},
        "B": {"trajectory_id": w.traj_y.pk},
    },
    "api-v1:complete": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk},
        "B": {"trajectory_id": w.traj_y.pk},
    },
    "api-v1:stop": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk},
        "B": {"trajectory_id": w.traj_y.pk},
    },
    "api-v1:change_partner": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk},
        "B": {"trajectory_id": w.traj_y.pk},
    },
    "api-v1:survey": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk},
        "B": {"trajectory_id": w.traj_y.pk},
    },
    "api-v1:update_quote": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk, "quote_id": w.quote_x.pk},
        "B": {"trajectory_id": w.traj_y.pk, "quote_id": w.quote_y.pk},
    },
    "api-v1:issue_quote": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk, "quote_id": w.quote_x.pk},
        "B": {"trajectory_id": w.traj_y.pk, "quote_id": w.quote_y.pk},
    },
    "api-v1:sign_quote": lambda w: {
        "A": {"trajectory_id": w.traj_x.pk, "quote_id": w.quote_x.pk},
        "B": {"trajectory_id": w.traj_y.pk, "quote_id": w.quote_y.pk},
    },
    "api-v1:question_waiting": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:question_hand_over": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:question_attachments": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:question_attach": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:question_attachment_file": lambda w: {
        "A": {"question_id": w.question_x.pk, "attachment_id": w.attachment_x.pk},
        "B": {"question_id": w.question_y.pk, "attachment_id": w.attachment_y.pk},
    },
    "api-v1:question_allow": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:question_timeline": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
    "api-v1:get_company": lambda w: {
        "A": {"company_id": w.company_x.pk},
        "B": {"company_id": w.company_y.pk},
    },
    "api-v1:update_company": lambda w: {
        "A": {"company_id": w.company_x.pk},
        "B": {"company_id": w.company_y.pk},
    },
    "matching:withdraw": lambda w: _declared_relations(w),
    "api-v1:question_recommendations": lambda w: {
        "A": {"question_id": w.question_x.pk},
        "B": {"question_id": w.question_y.pk},
    },
}


def _declared_relations(w: SimpleNamespace) -> dict[str, dict[str, Any]]:
    """A relation of company X with partner P (A) and of company Y with partner Q (B)."""
    from digihub.matching.models import Relation

    pks = {}
    for org, company, partner in (
        ("A", w.company_x, w.partner_p.partner),
        ("B", w.company_y, w.partner_q.partner),
    ):
        relation = Relation.objects.create(
            enterprise_number=company.enterprise_number,
            knowledge_partner=partner,
            kind="director",
            declared_side="chamber",
            chamber=company.chamber,
        )
        pks[org] = {"pk": relation.pk}
    return pks


def _maturity(w: SimpleNamespace) -> dict[str, dict[str, Any]]:
    """A T0 of company X (chamber A) and of company Y (chamber B), filled in by the advisor."""
    if not hasattr(w, "maturity"):
        from digihub.assessments.services import start_assessment

        w.maturity = {
            org: {"pk": start_assessment(actor=advisor, company=company, by_advisor=True).pk}
            for org, advisor, company in (
                ("A", w.advisor_a, w.company_x),
                ("B", w.advisor_b, w.company_y),
            )
        }
    return w.maturity  # type: ignore[no-any-return]


def _money(w: SimpleNamespace) -> dict[str, dict[str, dict[str, Any]]]:
    """A bank statement of chamber A's account and of chamber B's, each with a credit to resolve."""
    if not hasattr(w, "money"):
        from digihub.funding.demo_payments import camt053
        from digihub.funding.models import Payee
        from digihub.funding.payments import import_statement

        w.money = {"statement": {}, "entry": {}}
        for org, advisor, marker in (("A", w.advisor_a, SECRET_A), ("B", w.advisor_b, SECRET_B)):
            payee = Payee.objects.get(chamber_id=advisor.chamber_id, programme__isnull=True)
            credit = {"reference": marker, "amount": "12.34", "name": marker, "date": "2025-01-02"}
            result = import_statement(actor=advisor, data=camt053(payee.iban, [credit], marker))
            w.money["statement"][org] = {"pk": result.statement.pk}
            w.money["entry"][org] = {"pk": result.statement.entries.get().pk}
    return w.money  # type: ignore[no-any-return]


# Registry objects everyone signed in may read: not organisation data.
SHARED_URLS = {
    # Accounting exports: the parameters are a kind and a format; rows follow the reader's scope.
    "funding:money_export",
    # The customer's maturity link: the signed token is the access (a forged one: 403).
    "assessments:fill",
    # KPI downloads: the parameter is a file format; rows follow the reader's scope.
    "assessments:kpi_download",
    # The KBO/BCE register is public open data (staff only, by number or name).
    "api-v1:get_enterprise",
    # Programme-level reference figures (rates, totals over all hubs) shown to every budget reader.
    "api-v1:programme_budget",
    "api-v1:programme_reconciliation",
    "network:partner_detail",
    "network:partner_edit",
    "api-v1:get_partner",
    "accounts:token_revoke",
    "intake:public_thanks",
    # Report pages: the parameter is a chart name or a file format; rows follow the reader's scope.
    "reporting:chart",
    "reporting:download",  # an unguessable one-time token, shows only the reference  # looked up within the user's own tokens only
}


@pytest.fixture
def world(people: SimpleNamespace) -> SimpleNamespace:
    return build_world(people)


def build_world(people: SimpleNamespace) -> SimpleNamespace:
    w = SimpleNamespace(**vars(people))
    type(w.company_x).objects.filter(pk=w.company_x.pk).update(name=f"Bedrijf X {SECRET_A}")
    type(w.company_y).objects.filter(pk=w.company_y.pk).update(name=f"Bedrijf Y {SECRET_B}")
    w.company_x.refresh_from_db()
    w.company_y.refresh_from_db()
    w.contact_x = Contact.objects.create(
        company=w.company_x, first_name="Xavier", last_name=SECRET_A, email="x@x.example"
    )
    w.contact_y = Contact.objects.create(
        company=w.company_y, first_name="Yara", last_name=SECRET_B, email="y@y.example"
    )
    _funding(w)
    _intake(w)
    _trajectories(w)
    for builder in EXTRA_WORLD_BUILDERS:
        builder(w)
    return w


def _funding(w: SimpleNamespace) -> None:
    from decimal import Decimal

    from digihub.funding import demo, services
    from digihub.funding.models import HubBudget

    demo.build()
    w.budget_a = HubBudget.objects.get(
        hub=w.company_x.hub, project_type__number=2, programme__code="voka-digihub-efro"
    )
    w.budget_b = HubBudget.objects.get(
        hub=w.company_y.hub, project_type__number=2, programme__code="voka-digihub-efro"
    )
    w.payment_x = services.commit_quote(
        actor=None,
        hub=w.company_x.hub,
        company=w.company_x,
        amount=Decimal("1000"),
        document=w.contact_x,
        reason=SECRET_A,
    ).payment_request
    w.payment_y = services.commit_quote(
        actor=None,
        hub=w.company_y.hub,
        company=w.company_y,
        amount=Decimal("1000"),
        document=w.contact_y,
        reason=SECRET_B,
    ).payment_request


def _intake(w: SimpleNamespace) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from digihub.intake import services
    from digihub.intake.models import Attachment

    def ask(company: Any, marker: str, advisor: Any, partner: Any) -> tuple[Any, Any]:
        question, _ = services.register_question(
            actor=None,
            data=services.Registration(
                enterprise_number=company.enterprise_number,
                company_name=company.name,
                postcode=company.postcode,
                city=company.city,
                first_name="Q",
                last_name=marker,
                email=f"{marker.lower()}@example.be",
                text=f"Vraag {marker}",
                consent=True,
            ),
            passed_on_by=partner,
        )
        services.take_question(actor=advisor, question=question)
        services.record_conversation(
            actor=advisor,
            question=question,
            held_on=question.registered_at.date(),
            participants=marker,
            current_situation=marker,
        )
        attachment = services.add_attachment(
            actor=advisor,
            question=question,
            upload=SimpleUploadedFile(f"{marker}.txt", marker.encode(), content_type="text/plain"),
        )
        return question, attachment

    w.question_x, w.attachment_x = ask(w.company_x, SECRET_A, w.advisor_a, w.partner_p.partner)
    w.question_y, w.attachment_y = ask(w.company_y, SECRET_B, w.advisor_b, w.partner_q.partner)
    assert Attachment.objects.count() == 2


def _trajectories(w: SimpleNamespace) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from digihub.intake import services as intake
    from digihub.trajectories import services

    def run(question: Any, advisor: Any, partner_user: Any, marker: str) -> tuple[Any, Any, Any]:
        t = intake.decide_trajectory(
            actor=advisor, question=question, partner=partner_user.partner, reason=marker
        )
        quote = services.save_quote(
            actor=partner_user,
            trajectory=t,
            scope=marker,
            methodology=marker,
            valid_until=timezone.localdate() + dt.timedelta(days=30),
            lines=[{"description": marker, "days": Decimal("1"), "day_rate": Decimal("500")}],
        )
        quote = services.issue_quote(actor=partner_user, quote=quote)
        start = timezone.now() + dt.timedelta(days=1)
        session = services.plan_session(
            actor=partner_user,
            trajectory=t,
            title=marker,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )
        return t, quote, session

    w.traj_x, w.quote_x, w.session_x = run(w.question_x, w.advisor_a, w.partner_p, SECRET_A)
    w.traj_y, w.quote_y, w.session_y = run(w.question_y, w.advisor_b, w.partner_q, SECRET_B)


# Other contexts add their objects (with the markers) to the world here.
EXTRA_WORLD_BUILDERS: list[Callable[[SimpleNamespace], None]] = []


def _fill(route: str, kwargs: dict[str, Any]) -> str:
    url = "/" + route
    for key, value in kwargs.items():
        for converter in ("int:", "str:", "uuid:", "slug:", ""):
            url = url.replace(f"<{converter}{key}>", str(value))
    return url.replace("^", "").replace("$", "")


def _client_for(client: Any, world: SimpleNamespace, role: str) -> Any:
    client.logout()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


def test_every_parametrised_url_is_in_the_matrix() -> None:
    missing = [
        name or route
        for route, name, _pattern in all_patterns()
        if "<" in route and name not in OBJECT_URLS and name not in SHARED_URLS
    ]
    assert not missing, f"Add these URL patterns to the access matrix: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ROLES))
def test_role_never_sees_other_organisations(
    role: str, world: SimpleNamespace, client: Any
) -> None:
    allowed = ROLES[role]
    forbidden_markers = {"A": SECRET_A, "B": SECRET_B}
    client = _client_for(client, world, role)
    checked = 0
    for route, name, _pattern in all_patterns():
        if "<" in route:
            if name not in OBJECT_URLS:
                continue
            targets = OBJECT_URLS[name](world)
        else:
            targets = {"-": {}}
        for org, kwargs in targets.items():
            url = _fill(route, kwargs)
            for method in ("get", "post"):
                response = getattr(client, method)(url, HTTP_ACCEPT="text/html")
                checked += 1
                assert response.status_code < 500, (
                    f"{role} {method.upper()} {url} -> {response.status_code}"
                )
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                for other, marker in forbidden_markers.items():
                    if other not in allowed:
                        assert marker.encode() not in body, (
                            f"{role} {method.upper()} {url} leaked {other}'s data"
                        )
                if org in ("A", "B") and org not in allowed:
                    # The API validates a request body before it looks the object up: an empty
                    # body is refused (400/422) without touching, or revealing, the object.
                    refused = (302, 401, 403, 404, 405) + (
                        (400, 422) if url.startswith("/api/") and method == "post" else ()
                    )
                    assert response.status_code in refused, (
                        f"{role} {method.upper()} {url} (object of {org}) -> {response.status_code}"
                    )
                    if response.status_code == 302:
                        assert "/accounts/login/" in response["Location"], (
                            f"{role} {url} redirected elsewhere"
                        )
    assert checked > 0
