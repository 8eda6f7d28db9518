"""The pages say what comes next: lists people can sort, export and filter; the officer sees the
room for a trajectory before validating; the partner sees the SME and its brief (never the
advisor's notes) and its next step as the primary button; the quote form adds and removes lines
and shows the funding engine's own split; typed input survives a refused step."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from digihub.funding import demo as funding_demo
from digihub.funding.services import guidance_split
from digihub.intake import services as intake
from digihub.intake.models import Question
from digihub.trajectories import services
from digihub.trajectories.models import Phase, Trajectory

NOTES = "NOTES-ONLY-FOR-THE-CHAMBER"


@pytest.fixture(autouse=True)
def english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client_for() -> Any:
    """A client of its own per person (several people act in one test), pages in English."""
    from django.test import Client

    def login(user: Any) -> Any:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return login


def _question(people: Any, name: str = "Ann") -> Question:
    q, _ = intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number=people.company_x.enterprise_number,
            company_name="X",
            postcode="3000",
            city="Leuven",
            first_name=name,
            last_name="Smet",
            email=f"{name.lower()}@x.example",
            phone="+32 16 12 34 56",
            text="Sensors on the line",
            consent=True,
        ),
    )
    intake.take_question(actor=people.advisor_a, question=q)
    intake.record_conversation(
        actor=people.advisor_a,
        question=q,
        held_on=timezone.localdate(),
        participants=f"{name} Smet",
        current_situation="Production followed on paper",
        desired_situation="Real-time view of the line",
        concrete_questions="Which sensors fit our machines?",
        notes=NOTES,
    )
    return q


def _trajectory(people: Any, name: str = "Ann") -> Trajectory:
    q = _question(people, name)
    return intake.decide_trajectory(
        actor=people.advisor_a, question=q, partner=people.partner_p.partner, reason="lab"
    )


def _quote(people: Any, t: Trajectory, days: str = "4") -> Any:
    quote = services.save_quote(
        actor=people.partner_p,
        trajectory=t,
        scope="Analysis",
        methodology="Lab",
        valid_until=timezone.localdate() + dt.timedelta(days=20),
        lines=[{"description": "Analysis", "days": days, "day_rate": "1000"}],
    )
    return services.issue_quote(actor=people.partner_p, quote=quote)


def _primary(html: str) -> str:
    """The label of the primary button under the page heading."""
    found = re.search(r'<p class="next-step"><a class="btn" href="[^"]*">([^<]+)</a>', html)
    return found.group(1) if found else ""


@pytest.mark.django_db
class TestLists:
    def test_trajectories_sort_filter_and_export(self, people: Any, client_for: Any) -> None:
        funding_demo.build()
        first, second = _trajectory(people, "Ann"), _trajectory(people, "Bob")
        Trajectory.objects.filter(pk=first.pk).update(
            phase_changed_at=timezone.now() - dt.timedelta(days=9)
        )
        client = client_for(people.advisor_a)
        url = reverse("trajectories:list")
        page = client.get(url, {"sort": "phase_since"}, HTTP_HX_REQUEST="true").content.decode()
        assert 'aria-sort="ascending"' in page and "Leuven" in page  # municipality shown
        assert page.index(first.reference) < page.index(second.reference)
        page = client.get(url, {"sort": "-phase_since"}, HTTP_HX_REQUEST="true").content.decode()
        assert page.index(second.reference) < page.index(first.reference)
        assert client.get(url).status_code == 200  # the whole page
        # The filters answer htmx with the rows only; the phase filter narrows them.
        partial = client.get(url, {"phase": Phase.EXECUTION}, HTTP_HX_REQUEST="true")
        body = partial.content.decode()
        assert "<h1>" not in body and first.reference not in body
        rows = list(
            csv.reader(
                io.StringIO(
                    client.get(url, {"q": second.reference, "export": "csv"}).content.decode(
                        "utf-8-sig"
                    )
                ),
                delimiter=";",
            )
        )
        assert rows[0][:3] == ["Trajectory", "Company", "Municipality"]
        assert [r[0] for r in rows[1:]] == [second.reference]  # exactly the filtered rows
        # Another chamber's advisor exports nothing of these.
        other = client_for(people.advisor_b).get(url, {"export": "csv"})
        assert first.reference not in other.content.decode("utf-8-sig")

    def test_partners_sort_filter_and_export(self, people: Any, client_for: Any) -> None:
        from openpyxl import load_workbook

        client = client_for(people.coordinator)
        url = reverse("network:partner_list")
        page = client.get(url, {"sort": "-capacity"}).content.decode()
        assert 'aria-sort="descending"' in page
        book = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
        capacities = [r[5] for r in book.active.iter_rows(min_row=2, values_only=True)]
        assert capacities and all(isinstance(c, int) for c in capacities)  # numbers stay numbers
        vub = people.partner_p.partner
        partial = client.get(url, {"q": vub.short_name}, HTTP_HX_REQUEST="true").content.decode()
        assert vub.short_name in partial and "<h1>" not in partial
        assert people.partner_q.partner.short_name not in partial

    def test_budgets_open_on_the_programme_running_today(
        self, people: Any, client_for: Any
    ) -> None:
        from digihub.funding.models import Programme

        funding_demo.build()
        today = timezone.localdate()
        running = Programme.objects.filter(start__lte=today, end__gte=today).order_by("-start")
        assert running.exists()
        # A newer programme that has ended must not be the one the page opens on.
        assert Programme.objects.filter(end__lt=today, start__gt=running[0].start).exists()
        page = client_for(people.coordinator).get(reverse("funding:dashboard"))
        assert page.context["programme"] == running[0]


@pytest.mark.django_db
def test_officer_sees_budget_de_minimis_and_capacity(people: Any, client_for: Any) -> None:
    funding_demo.build()
    q = _question(people)
    intake.decide_trajectory(
        actor=people.advisor_a,
        question=q,
        partner=people.partner_p.partner,
        reason="lab",
        ask_validation=True,
    )
    q.refresh_from_db()
    running = _trajectory(people, "Bob")
    _signed = _quote(people, running, days="10")
    services.sign_quote_online(
        actor=people.sme_x, quote=_signed, signer_name="Sam", pdf_sha256=_signed.pdf_sha256
    )
    response = client_for(people.officer).get(reverse("intake:detail", args=[q.pk]))
    figures = response.context["validation_figures"]
    split = guidance_split(hub=q.hub, amount=Decimal("10000"))
    efro = next(line for line in split.lines if line.source_code == "efro")
    row = next(s for s in figures["sources"] if s["name"] == efro.source_name)
    assert row["budget"] - row["left"] == efro.amount  # the signed trajectory's commitment
    assert figures["de_minimis"]["received"] == split.subsidy  # same company, same period
    assert figures["de_minimis"]["left"] == figures["de_minimis"]["ceiling"] - split.subsidy
    capacity = people.partner_p.partner.capacity
    assert figures["load"] == {"running": 1, "capacity": capacity, "free": capacity - 1}
    html = response.content.decode()
    assert "De minimis headroom" in html and "Free capacity of the partner" in html
    # The advisor (not validating) does not get the block.
    advisor = client_for(people.advisor_a).get(reverse("intake:detail", args=[q.pk]))
    assert advisor.context["can_validate"] or "De minimis headroom" not in advisor.content.decode()


@pytest.mark.django_db
class TestTrajectoryPage:
    def test_partner_sees_contact_and_brief_not_the_notes(
        self, people: Any, client_for: Any
    ) -> None:
        funding_demo.build()
        t = _trajectory(people)
        html = client_for(people.partner_p).get(reverse("trajectories:detail", args=[t.pk]))
        text = html.content.decode()
        for shown in (
            "Ann Smet",
            "ann@x.example",
            "+32 16 12 34 56",
            "Production followed on paper",
            "Real-time view of the line",
            "Which sensors fit our machines?",
        ):
            assert shown in text, shown
        assert NOTES not in text
        assert _primary(text) == "Draft the quote"

    def test_primary_button_follows_the_phase(self, people: Any, client_for: Any) -> None:
        funding_demo.build()
        t = _trajectory(people)
        partner = client_for(people.partner_p)
        sme = client_for(people.sme_x)
        url = reverse("trajectories:detail", args=[t.pk])
        draft = services.save_quote(
            actor=people.partner_p,
            trajectory=t,
            scope="Analysis",
            methodology="Lab",
            valid_until=timezone.localdate() + dt.timedelta(days=20),
            lines=[{"description": "Analysis", "days": "3", "day_rate": "1000"}],
        )
        assert _primary(partner.get(url).content.decode()) == (
            "Check the draft and send it to the SME"
        )
        quote = services.issue_quote(actor=people.partner_p, quote=draft)
        assert _primary(partner.get(url).content.decode()) == ""  # waiting on the SME
        assert _primary(sme.get(url).content.decode()) == "Sign the quote"
        services.sign_quote_online(
            actor=people.sme_x, quote=quote, signer_name="Sam", pdf_sha256=quote.pdf_sha256
        )
        page = partner.get(url)
        assert _primary(page.content.decode()) == "Plan a test day or session"
        # Completing starts from the signed amount.
        assert page.context["complete_form"].initial["final_cost"] == Decimal("3000.00")
        start = timezone.now() + dt.timedelta(days=2)
        services.plan_session(
            actor=people.partner_p,
            trajectory=t,
            kind="test_day",
            title="Lab day",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=4),
            place="lab",
            location="",
        )
        assert _primary(partner.get(url).content.decode()) == "Deliver the advice"

    def test_sign_error_keeps_the_typed_name(self, people: Any, client_for: Any) -> None:
        funding_demo.build()
        t = _trajectory(people)
        quote = _quote(people, t)
        response = client_for(people.sme_x).post(
            reverse("trajectories:quote_sign", args=[t.pk, quote.pk]),
            {"signer_name": "Karel Kmo", "pdf_sha256": quote.pdf_sha256},  # agreement not ticked
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert 'value="Karel Kmo"' in html and 'id="sign_signer_name"' in html
        # Refused by the service (the document changed meanwhile): the name stays too.
        response = client_for(people.sme_x).post(
            reverse("trajectories:quote_sign", args=[t.pk, quote.pk]),
            {"signer_name": "Karel Kmo", "pdf_sha256": "0" * 64, "agree": "on"},
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert 'value="Karel Kmo"' in html and 'class="errorlist' in html
        quote.refresh_from_db()
        assert quote.status == "issued"


@pytest.mark.django_db
class TestQuoteForm:
    def _lines(self, *lines: tuple[str, str, str], deleted: tuple[int, ...] = ()) -> dict:
        data = {
            "lines-TOTAL_FORMS": str(len(lines)),
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "1",
            "lines-MAX_NUM_FORMS": "30",
        }
        for i, (description, days, rate) in enumerate(lines):
            data |= {
                f"lines-{i}-description": description,
                f"lines-{i}-days": days,
                f"lines-{i}-day_rate": rate,
            }
            if i in deleted:
                data[f"lines-{i}-DELETE"] = "on"
        return data

    def test_live_split_is_the_funding_engines(self, people: Any, client_for: Any) -> None:
        funding_demo.build()
        t = _trajectory(people)
        client = client_for(people.partner_p)
        url = reverse("trajectories:quote_split", args=[t.pk])
        data = self._lines(
            ("Analysis", "2.5", "1000"), ("Tests", "1", "999.99"), ("Gone", "9", "9")
        )
        response = client.get(url, data | {"lines-2-DELETE": "on"})
        expected = guidance_split(hub=t.hub, amount=Decimal("3499.99"), service_type=t.service_type)
        assert response.context["split"] == expected
        html = response.content.decode()
        assert "€3,499.99" in html and "€" + f"{expected.private:,.2f}" in html
        bad = client.get(url, self._lines(("Analysis", "many", "1000")))
        assert bad.status_code == 200 and bad.context["split"] is None
        assert "Check the days and day rates" in bad.content.decode()
        # Only who may write the quote asks: the SME and the other chamber do not.
        assert client_for(people.sme_x).get(url, data).status_code in (403, 404)
        assert client_for(people.partner_q).get(url, data).status_code in (403, 404)

    def test_lines_added_and_removed_are_saved(self, people: Any, client_for: Any) -> None:
        funding_demo.build()
        t = _trajectory(people)
        client = client_for(people.partner_p)
        form = client.get(reverse("trajectories:quote_new", args=[t.pk]))
        html = form.content.decode()
        assert 'id="quote-line-template"' in html and "__prefix__" in html
        assert 'hx-get="' + reverse("trajectories:quote_split", args=[t.pk]) in html
        data = self._lines(
            ("Analysis", "2", "1000"),
            ("Removed", "5", "1000"),
            ("Tests", "1", "500"),
            ("Fifth", "1", "100"),
            ("Sixth", "1", "100"),
            deleted=(1,),
        ) | {
            "scope": "Analysis",
            "methodology": "Lab",
            "valid_until": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        }
        response = client.post(reverse("trajectories:quote_new", args=[t.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        quote = t.quotes.get()
        assert [line.description for line in quote.lines.order_by("pk")] == [
            "Analysis",
            "Tests",
            "Fifth",
            "Sixth",
        ]
        assert quote.total == Decimal("2700.00")
        # Editing starts from the saved lines plus one blank line.
        edit = client.get(reverse("trajectories:quote_edit", args=[t.pk, quote.pk]))
        assert edit.context["lines"].total_form_count() == 5


@pytest.mark.django_db
def test_event_texts_follow_the_readers_language(people: Any, client_for: Any) -> None:
    """Events are written once (in Dutch, the platform's language) and read in each reader's."""
    from django.utils import translation

    from digihub.audit.models import AuditEvent
    from digihub.audit.visibility import shown_events

    funding_demo.build()
    with translation.override("nl"):
        t = _trajectory(people)
        quote = _quote(people, t, days="2.5")
    saved = next(e for e in AuditEvent.objects.filter(target_id=str(t.pk)) if "2500" in str(e.data))
    assert saved.data["summary_msg"]["id"] == "Quote version %(n)s saved (%(total)s excl. VAT)"
    with translation.override("en"):
        texts = [e.summary for e in shown_events(people.partner_p, t)]
    assert "Quote version 1 saved (€2,500.00 excl. VAT)" in texts  # amount in English format
    assert f"Quote version {quote.number} issued to the SME" in texts
    # An event without a stored message id keeps its text as written.
    from digihub.audit.services import record_event

    record_event(actor=None, action="x.y", target=t, summary="Tekst zoals geschreven")
    with translation.override("en"):
        assert "Tekst zoals geschreven" in [e.summary for e in shown_events(people.advisor_a, t)]
