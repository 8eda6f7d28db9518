from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from digihub.funding import demo as funding_demo
from digihub.funding import services as funding
from digihub.funding.models import EntryKind, HubBudget, LedgerEntry, PaymentRequest
from digihub.intake import services as intake
from digihub.trajectories import services
from digihub.trajectories.models import Phase, PhaseSpan, QuoteStatus, Trajectory
from digihub.trajectories.selectors import phase_counts_on

LINES = [
    {"description": "Analyse", "days": "2", "day_rate": "1000"},
    {"description": "Testdag", "days": "1.5", "day_rate": "800"},
]
TOTAL = Decimal("3200.00")


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages are checked in the English source text."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def flow(people: Any) -> Any:
    funding_demo.build()
    q, _ = intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number=people.company_x.enterprise_number,
            company_name="X",
            postcode="3000",
            city="Leuven",
            first_name="Sam",
            last_name="Smet",
            email="sam@x.example",
            text="Sensoren",
            consent=True,
        ),
    )
    intake.take_question(actor=people.advisor_a, question=q)
    intake.record_conversation(
        actor=people.advisor_a,
        question=q,
        held_on=timezone.localdate(),
        participants="Sam",
        concrete_questions="Welke sensoren?",
    )
    t = intake.decide_trajectory(
        actor=people.advisor_a, question=q, partner=people.partner_p.partner, reason="AI-lab"
    )
    people.trajectory = t
    return people


def _quote(p: Any, lines: list[dict[str, Any]] | None = None) -> Any:
    quote = services.save_quote(
        actor=p.partner_p,
        trajectory=p.trajectory,
        scope="Analyse",
        methodology="Lab",
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        lines=lines or LINES,
    )
    return services.issue_quote(actor=p.partner_p, quote=quote)


@pytest.mark.django_db
class TestLifecycle:
    def test_full_journey_and_funding(self, flow: Any) -> None:
        t = flow.trajectory
        assert (
            t.phase == Phase.STARTUP
            and t.advisor == flow.advisor_a
            and "Welke sensoren?" in t.concrete_questions
        )
        quote = _quote(flow)
        t.refresh_from_db()
        assert t.phase == Phase.QUOTE and quote.total == TOTAL and len(quote.pdf_sha256) == 64
        services.sign_quote_online(
            actor=flow.sme_x, quote=quote, signer_name="Sam Smet", pdf_sha256=quote.pdf_sha256
        )
        t.refresh_from_db()
        assert t.phase == Phase.EXECUTION and t.quote_signed_at is not None
        entries = {
            e.source.code: e.amount
            for e in LedgerEntry.objects.filter(kind=EntryKind.COMMIT).select_related("source")
        }
        assert entries == {
            "efro": Decimal("1280.00"),
            "flemish": Decimal("960.00"),
            "private_sme": Decimal("960.00"),
        }
        assert PaymentRequest.objects.get().amount == Decimal("960.00")
        start = timezone.now() + dt.timedelta(days=2)
        services.plan_session(
            actor=flow.partner_p,
            trajectory=t,
            title="Testdag",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=4),
        )
        with pytest.raises(ValidationError, match="advice"):
            services.complete(actor=flow.partner_p, trajectory=t, final_cost=Decimal("3000"))
        services.deliver_advice(
            actor=flow.partner_p,
            trajectory=t,
            kind="action_plan",
            delivered_on=timezone.localdate(),
            summary="Plan",
        )
        services.complete(actor=flow.partner_p, trajectory=t, final_cost=Decimal("3000"))
        t.refresh_from_db()
        assert t.phase == Phase.COMPLETED
        signed = t.quotes.get(status=QuoteStatus.SIGNED)
        assert funding.committed_for(signed) == Decimal("3000.00") == funding.spent_for(signed)
        services.answer_survey(actor=flow.sme_x, trajectory=t, score=5, comment="Top")
        with pytest.raises(ValidationError):
            services.answer_survey(actor=flow.sme_x, trajectory=t, score=4)
        assert [s.phase for s in t.spans.all()] == ["startup", "quote", "execution", "completed"]

    def test_phase_on_past_dates(self, flow: Any) -> None:
        t = flow.trajectory
        _quote(flow)
        services.stop(actor=flow.advisor_a, trajectory=t, reason="SME postpones")
        days = [dt.date(2026, 1, 10), dt.date(2026, 2, 10), dt.date(2026, 3, 10)]
        aware = [timezone.make_aware(dt.datetime.combine(d, dt.time(12))) for d in days]
        spans = list(t.spans.order_by("entered_at"))
        PhaseSpan.objects.filter(pk=spans[0].pk).update(entered_at=aware[0], left_at=aware[1])
        PhaseSpan.objects.filter(pk=spans[1].pk).update(entered_at=aware[1], left_at=aware[2])
        PhaseSpan.objects.filter(pk=spans[2].pk).update(entered_at=aware[2])
        assert phase_counts_on(dt.date(2026, 1, 9))["startup"] == 0
        assert phase_counts_on(dt.date(2026, 1, 20))["startup"] == 1
        assert phase_counts_on(dt.date(2026, 2, 20)) == {
            **dict.fromkeys(Phase.values, 0),
            "quote": 1,
        }
        assert phase_counts_on(dt.date(2026, 3, 20))["stopped"] == 1

    def test_refused_signing_leaves_nothing_signed(self, flow: Any) -> None:
        quote = _quote(flow)
        HubBudget.objects.filter(hub=flow.trajectory.hub, project_type__number=2).update(
            amount=Decimal("1000")
        )
        with pytest.raises(funding.FundingRefused):
            services.sign_quote_online(
                actor=flow.sme_x, quote=quote, signer_name="Sam", pdf_sha256=quote.pdf_sha256
            )
        quote.refresh_from_db()
        flow.trajectory.refresh_from_db()
        assert quote.status == QuoteStatus.ISSUED and flow.trajectory.phase == Phase.QUOTE
        assert LedgerEntry.objects.count() == 0 and PaymentRequest.objects.count() == 0

    def test_stop_releases_commitment(self, flow: Any) -> None:
        quote = _quote(flow)
        services.sign_quote_online(
            actor=flow.sme_x, quote=quote, signer_name="Sam", pdf_sha256=quote.pdf_sha256
        )
        services.stop(actor=flow.advisor_a, trajectory=flow.trajectory, reason="Faillissement")
        assert funding.committed_for(quote) == Decimal("0.00")


@pytest.mark.django_db
class TestRefusals:
    def test_bad_quotes(self, flow: Any) -> None:
        t = flow.trajectory
        future = timezone.localdate() + dt.timedelta(days=10)
        with pytest.raises(ValidationError):
            services.save_quote(
                actor=flow.partner_p,
                trajectory=t,
                scope="x",
                methodology="",
                valid_until=future,
                lines=[],
            )
        with pytest.raises(ValidationError):
            services.save_quote(
                actor=flow.partner_p,
                trajectory=t,
                scope="x",
                methodology="",
                valid_until=future,
                lines=[{"description": "x", "days": "-1", "day_rate": "100"}],
            )
        with pytest.raises(ValidationError):
            services.save_quote(
                actor=flow.partner_p,
                trajectory=t,
                scope="x",
                methodology="",
                valid_until=timezone.localdate() - dt.timedelta(days=1),
                lines=LINES,
            )
        assert t.quotes.count() == 0

    def test_outdated_version_and_double_signing(self, flow: Any) -> None:
        old = _quote(flow)
        new = _quote(flow, [{"description": "Alles", "days": "3", "day_rate": "900"}])
        old.refresh_from_db()
        assert old.status == QuoteStatus.SUPERSEDED
        with pytest.raises(ValidationError, match=r"changed|current"):
            services.sign_quote_online(
                actor=flow.sme_x, quote=old, signer_name="Sam", pdf_sha256=old.pdf_sha256
            )
        with pytest.raises(ValidationError):
            services.sign_quote_online(
                actor=flow.sme_x, quote=new, signer_name="Sam", pdf_sha256=old.pdf_sha256
            )
        services.sign_quote_online(
            actor=flow.sme_x, quote=new, signer_name="Sam", pdf_sha256=new.pdf_sha256
        )
        with pytest.raises(ValidationError):
            services.sign_quote_online(
                actor=flow.sme_x, quote=new, signer_name="Sam", pdf_sha256=new.pdf_sha256
            )

    def test_concurrent_edit_of_a_draft(self, flow: Any) -> None:
        future = timezone.localdate() + dt.timedelta(days=10)
        draft = services.save_quote(
            actor=flow.partner_p,
            trajectory=flow.trajectory,
            scope="v1",
            methodology="",
            valid_until=future,
            lines=LINES,
        )
        services.save_quote(
            actor=flow.partner_p,
            trajectory=flow.trajectory,
            scope="edit A",
            methodology="",
            valid_until=future,
            lines=LINES,
            quote=draft,
            expected_revision=1,
        )
        with pytest.raises(ValidationError, match="Someone else"):
            services.save_quote(
                actor=flow.partner_p,
                trajectory=flow.trajectory,
                scope="edit B",
                methodology="",
                valid_until=future,
                lines=LINES,
                quote=draft,
                expected_revision=1,
            )
        draft.refresh_from_db()
        assert draft.scope == "edit A"

    def test_session_must_end_after_start(self, flow: Any) -> None:
        _quote(flow)
        start = timezone.now()
        with pytest.raises(ValidationError):
            services.plan_session(
                actor=flow.partner_p,
                trajectory=flow.trajectory,
                title="x",
                starts_at=start,
                ends_at=start,
            )

    def test_no_execution_without_signature(self, flow: Any) -> None:
        with pytest.raises(ValidationError):
            services.deliver_advice(
                actor=flow.partner_p,
                trajectory=flow.trajectory,
                kind="report",
                delivered_on=timezone.localdate(),
                summary="x",
            )

    def test_role_boundaries(self, flow: Any) -> None:
        t = flow.trajectory
        future = timezone.localdate() + dt.timedelta(days=10)
        with pytest.raises(PermissionDenied):
            services.save_quote(
                actor=flow.partner_q,
                trajectory=t,
                scope="x",
                methodology="",
                valid_until=future,
                lines=LINES,
            )
        with pytest.raises(PermissionDenied):
            services.save_quote(
                actor=flow.advisor_a,
                trajectory=t,
                scope="x",
                methodology="",
                valid_until=future,
                lines=LINES,
            )
        quote = _quote(flow)
        with pytest.raises(PermissionDenied):
            services.sign_quote_online(
                actor=flow.sme_y, quote=quote, signer_name="x", pdf_sha256=quote.pdf_sha256
            )
        with pytest.raises(PermissionDenied):
            services.stop(actor=flow.advisor_b, trajectory=t, reason="x")
        with pytest.raises(PermissionDenied):
            services.stop(actor=flow.partner_p, trajectory=t, reason="x")


@pytest.mark.django_db
class TestPagesAndApi:
    def test_pages_through_roles(self, flow: Any, client_for: Any) -> None:
        t = flow.trajectory
        partner = client_for(flow.partner_p)
        form = {
            "scope": "Analyse",
            "methodology": "",
            "valid_until": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
            "lines-TOTAL_FORMS": "4",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "30",
            "lines-0-description": "Analyse",
            "lines-0-days": "2",
            "lines-0-day_rate": "1000",
        }
        assert partner.post(reverse("trajectories:quote_new", args=[t.pk]), form).status_code == 302
        quote = t.quotes.get()
        assert (
            partner.post(reverse("trajectories:quote_issue", args=[t.pk, quote.pk])).status_code
            == 302
        )
        quote.refresh_from_db()
        pdf = partner.get(reverse("trajectories:quote_pdf", args=[t.pk, quote.pk]))
        assert pdf.content.startswith(b"%PDF")
        sme = client_for(flow.sme_x)
        page = sme.get(reverse("trajectories:detail", args=[t.pk])).content.decode()
        assert (
            quote.pdf_sha256 in page and "1.400,00" in page
        )  # 30 % of 2,000 rendered in Belgian format
        sme.post(
            reverse("trajectories:quote_sign", args=[t.pk, quote.pk]),
            {"signer_name": "Sam", "pdf_sha256": quote.pdf_sha256, "agree": "on"},
        )
        t.refresh_from_db()
        assert t.phase == Phase.EXECUTION
        start = (timezone.localtime() + dt.timedelta(days=3)).replace(microsecond=0)
        partner = client_for(flow.partner_p)  # one test client: log the partner in again
        partner.post(
            reverse("trajectories:session_add", args=[t.pk]),
            {
                "kind": "test_day",
                "title": "Testdag",
                "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
                "place": "lab",
            },
        )
        session = t.sessions.get()
        ics = partner.get(reverse("trajectories:session_ics", args=[t.pk, session.pk]))
        assert (
            ics["Content-Type"].startswith("text/calendar")
            and b"BEGIN:VEVENT" in ics.content
            and b"Testdag" in ics.content
        )
        assert (
            client_for(flow.partner_q).get(reverse("trajectories:detail", args=[t.pk])).status_code
            == 404
        )
        assert (
            client_for(flow.advisor_b).get(reverse("trajectories:detail", args=[t.pk])).status_code
            == 404
        )
        assert (
            client_for(flow.sme_y).get(reverse("trajectories:detail", args=[t.pk])).status_code
            == 404
        )

    def test_right_after_signing_the_sme_sees_what_it_pays(
        self, flow: Any, client_for: Any
    ) -> None:
        t = flow.trajectory
        quote = _quote(flow)
        sme = client_for(flow.sme_x)
        before = sme.get(reverse("trajectories:detail", args=[t.pk])).content.decode()
        assert 'id="pay-what"' not in before  # nothing is asked before the quote is signed
        signed = sme.post(
            reverse("trajectories:quote_sign", args=[t.pk, quote.pk]),
            {"signer_name": "Sam", "pdf_sha256": quote.pdf_sha256, "agree": "on"},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert signed.redirect_chain[-1][0] == reverse("trajectories:detail", args=[t.pk])
        page = signed.content.decode()
        payment = PaymentRequest.objects.select_related("payee").get()
        assert "You pay" in page and "€960.00" in page  # addressed to the SME, what it pays
        assert "Your own share of" in page  # why
        assert payment.payee.name in page and payment.payee.iban_display in page  # to whom
        assert payment.payee.bic and payment.payee.bic in page
        assert payment.due_date is not None
        assert payment.due_date.strftime("%Y") in page and "By" in page  # by when
        assert str(payment) in page  # the structured communication
        qr_url = reverse("funding:payment_qr", args=[payment.pk])
        assert f'src="{qr_url}"' in page
        assert sme.get(qr_url)["Content-Type"] == "image/svg+xml"
        assert reverse("funding:payment_pdf", args=[payment.pk]) in page
        # The partner delivers the guidance; the SME's payment is not its business.
        partner_page = (
            client_for(flow.partner_p).get(reverse("trajectories:detail", args=[t.pk])).content
        )
        assert str(payment).encode() not in partner_page

    def test_quote_and_payment_pdfs_are_tagged_with_language_and_title(
        self, flow: Any, client_for: Any
    ) -> None:
        import io

        from pypdf import PdfReader

        quote = _quote(flow)
        services.sign_quote_online(
            actor=flow.sme_x, quote=quote, signer_name="Sam", pdf_sha256=quote.pdf_sha256
        )
        sme = client_for(flow.sme_x)
        payment = PaymentRequest.objects.get()
        quote_pdf = sme.get(reverse("trajectories:quote_pdf", args=[flow.trajectory.pk, quote.pk]))
        slip = sme.get(reverse("funding:payment_pdf", args=[payment.pk]), HTTP_ACCEPT_LANGUAGE="en")
        # /Lang is the language each was rendered in (here English: the quote when issued).
        for response, language, title in ((quote_pdf, "en", str(quote)), (slip, "en", "Payment")):
            reader = PdfReader(io.BytesIO(response.content))
            root = reader.trailer["/Root"]
            assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
            assert root.get("/Lang") == language
            assert reader.metadata.title and title in reader.metadata.title

    def test_signed_copy_upload_checks_type(self, flow: Any, client_for: Any) -> None:
        quote = _quote(flow)
        with pytest.raises(ValidationError):
            services.upload_signed_copy(
                actor=flow.advisor_a,
                quote=quote,
                signer_name="x",
                upload=SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf"),
            )
        services.upload_signed_copy(
            actor=flow.advisor_a,
            quote=quote,
            signer_name="Zaakvoerder",
            upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4 signed", content_type="application/pdf"),
        )
        url = reverse("trajectories:quote_copy_file", args=[flow.trajectory.pk, quote.pk])
        assert client_for(flow.advisor_a).get(url).status_code == 200
        assert client_for(flow.partner_q).get(url).status_code == 404

    def test_api_transitions(self, flow: Any, client_for: Any) -> None:
        t = flow.trajectory
        partner = client_for(flow.partner_p)
        body = {
            "scope": "Analyse",
            "valid_until": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
            "lines": [{"description": "a", "days": "1", "day_rate": "500"}],
        }
        created = partner.post(
            f"/api/v1/trajectories/{t.pk}/quotes", body, content_type="application/json"
        )
        assert created.status_code == 201
        bad = partner.post(
            f"/api/v1/trajectories/{t.pk}/quotes",
            {**body, "lines": []},
            content_type="application/json",
        )
        assert bad.status_code == 422
        qid = partner.post(
            f"/api/v1/trajectories/{t.pk}/quotes", body, content_type="application/json"
        ).json()["id"]
        issued = partner.post(f"/api/v1/trajectories/{t.pk}/quotes/{qid}/issue").json()
        sme = client_for(flow.sme_x)
        signed = sme.post(
            f"/api/v1/trajectories/{t.pk}/quotes/{qid}/sign",
            {"signer_name": "Sam", "pdf_sha256": issued["pdf_sha256"]},
            content_type="application/json",
        )
        assert signed.status_code == 200 and signed.json()["status"] == "signed"
        assert sme.get(f"/api/v1/trajectories/{t.pk}").json()["phase"] == "execution"
        stop = client_for(flow.partner_p).post(
            f"/api/v1/trajectories/{t.pk}/stop", {"reason": "x"}, content_type="application/json"
        )
        assert stop.status_code == 403
        today = timezone.localdate().isoformat()
        assert (
            client_for(flow.coordinator)
            .get(f"/api/v1/trajectories/phases?on={today}")
            .json()["execution"]
            == 1
        )

    def test_list_query_count_is_constant(self, flow: Any, client_for: Any) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count(user: Any, name: str) -> int:
            client = client_for(user)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(name)).status_code == 200
            return len(captured)

        pages = [
            (flow.coordinator, "trajectories:list"),
            (flow.partner_p, "trajectories:partner_workspace"),
            (flow.sme_x, "trajectories:sme_workspace"),
            (flow.advisor_a, "intake:queue"),
        ]
        before = [count(user, name) for user, name in pages]
        for _ in range(5):
            q, _created = intake.register_question(
                actor=None,
                data=intake.Registration(
                    enterprise_number=flow.company_x.enterprise_number,
                    company_name="X",
                    postcode="3000",
                    city="Leuven",
                    first_name="A",
                    last_name="B",
                    email="",
                    text="t",
                    consent=True,
                ),
            )
            intake.take_question(actor=flow.advisor_a, question=q)
            intake.decide_trajectory(
                actor=flow.advisor_a, question=q, partner=flow.partner_p.partner, reason="r"
            )
        assert Trajectory.objects.count() == 6
        after = [count(user, name) for user, name in pages]
        assert after == before, f"queries grow with rows: {before} -> {after}"
        assert max(after) <= 25
