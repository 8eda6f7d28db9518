"""The trajectory tables (the trajectory list, the partner's and the SME's workspace) read their
rows as values and write each phase label and time in a phase once per page: every row shows
exactly what its trajectory shows, in Dutch as in English, and no row reads a column on its own;
the list's export keeps every row and column. The trajectory page reads the SME's contact, the
advice and the survey with the trajectory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model, Sum
from django.template.defaultfilters import timesince_filter
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.timesince import timesince

from digihub.accounts.roles import Role
from digihub.core import formatting
from digihub.core.access import visible
from digihub.funding.models import PaymentRequest
from digihub.trajectories import selectors
from digihub.trajectories.models import OPEN_PHASES, Phase, Place, Quote, Session, Trajectory

from .factories import UserFactory, make_company
from .test_kpi_export import run, scene  # noqa: F401  (the fixture)


@pytest.fixture
def tables(scene: Any) -> Any:  # noqa: F811
    """Besides the scene: 42 more trajectories of advisor A's chamber at partner P (more than a
    page), in every open phase, moved from a day to over a year ago, one company with a name to
    escape and an advisor known by e-mail only; and coming sessions for the partner."""
    odd = make_company(name="Smit & Zonen <BV>", postcode="3010", city="Kessel-Lo")
    nameless: Any = UserFactory(
        role=Role.ADVISOR, chamber=scene.advisor_a.chamber, first_name="", last_name=""
    )
    now = timezone.now()
    phases = [Phase.STARTUP, Phase.QUOTE] + [Phase.EXECUTION] * 4
    made = Trajectory.objects.bulk_create(
        Trajectory(
            reference=f"TR-ROW-{i:02d}",
            company=(odd, scene.company_x, scene.town)[i % 3],
            hub=scene.tx.hub,
            chamber=scene.tx.chamber,
            advisor=nameless if i % 4 == 0 else scene.advisor_a,
            partner=scene.tx.partner,
            phase=phases[i % len(phases)],
            phase_changed_at=now - dt.timedelta(days=13 * i + 1, hours=i % 24),
            started_at=now - dt.timedelta(days=13 * i + 30),
        )
        for i in range(42)
    )
    # The scene's own trajectories moved days ago too: a time in a phase of whole days and hours
    # reads the same when the test compares it moments after the page was drawn.
    Trajectory.objects.exclude(pk__in=[t.pk for t in made]).update(
        phase_changed_at=now - dt.timedelta(days=2, hours=7)
    )
    for i, place in enumerate(Place.values):
        Session.objects.create(
            trajectory=made[(i * 6 + 2) % 42] if i else scene.tt,
            title=f"Test day {i} & more",
            starts_at=now + dt.timedelta(days=i + 1),
            ends_at=now + dt.timedelta(days=i + 1, hours=2),
            place=place,
        )
    return scene


def _get(user: Any, url: str, language: str, **headers: Any) -> str:
    """The page as ``user`` sees it, no row of it reading a column left out of its query."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    with mock.patch.object(
        Model, "refresh_from_db", side_effect=AssertionError("a row read a column left out")
    ):
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _rows(html: str) -> list[list[str]]:
    """The cells of each body row of the tables in ``html``."""
    return [
        re.findall(r'<td data-label="[^"]*">(.*?)</td>', row, re.DOTALL)
        for row in re.findall(r"<tr>\s*(<td .*?)</tr>", html, re.DOTALL)
    ]


def _section(html: str, heading: str) -> str:
    start = html.index(f"<h2>{escape(heading)}</h2>")
    return html[start : html.index("</section>", start)]


def _text(text: str) -> str:
    return translation.gettext(text)


def _since(t: Trajectory) -> str:
    date = escape(formatting.date(t.phase_changed_at, "short"))
    return f"{date} <small>({escape(timesince_filter(t.phase_changed_at))})</small>"


def _link(t: Trajectory) -> str:
    return f'<a href="{reverse("trajectories:detail", args=[t.pk])}">{escape(t.reference)}</a>'


def _phase(t: Trajectory) -> str:
    return f'<span class="badge">{escape(t.get_phase_display())}</span>'


def _short_row(t: Trajectory) -> list[str]:
    """A row of trajectories/_rows.html as the trajectory's own fields write it."""
    return [_link(t), escape(str(t.company)), _phase(t), escape(str(t.partner)), _since(t)]


def _list_row(t: Trajectory) -> list[str]:
    """A row of trajectories/_list_rows.html as the trajectory's own fields write it."""
    return [
        _link(t),
        escape(str(t.company)),
        escape(t.company.city or "–"),
        _phase(t),
        escape(t.partner.short_name),
        escape(str(t.advisor) or "–"),
        escape(str(t.hub)),
        escape(formatting.date(t.started_at, "short")),
        _since(t),
    ]


def _full(rows: Any) -> list[Trajectory]:
    return list(rows.select_related("company", "partner", "advisor", "hub"))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
class TestRowsShowWhatTheTrajectoryShows:
    def test_the_trajectory_list_its_pages_fragment_and_longest_unmoved(
        self, tables: Any, language: str
    ) -> None:
        advisor = tables.advisor_a
        mine = visible(advisor, Trajectory)
        running = _full(mine.filter(phase=Phase.EXECUTION).order_by("phase_changed_at", "-pk"))
        assert len(running) > 25  # more than a page
        url = reverse("trajectories:list") + "?phase=execution"
        with translation.override(language):
            page = _get(advisor, url, language)
            stale = _full(mine.filter(phase__in=OPEN_PHASES).order_by("phase_changed_at"))
            assert _rows(_section(page, _text("Not moved for the longest time"))) == [
                _short_row(t) for t in stale[:5]
            ]
            listed = page[page.index('id="trajectory-rows"') :]
            assert _rows(listed) == [_list_row(t) for t in running[:25]]
            second = _get(advisor, url + "&page=2", language, HTTP_HX_REQUEST="true")
            assert "<h1>" not in second
            assert _rows(second) == [_list_row(t) for t in running[25:50]]
            sorted_by_company = _get(advisor, url + "&sort=-company", language)
            shown = _rows(sorted_by_company[sorted_by_company.index('id="trajectory-rows"') :])
            assert len(shown) == 25 and all(row in map(_list_row, running) for row in shown)
            assert [row[1] for row in shown] == sorted((row[1] for row in shown), reverse=True)

    def test_the_partners_workspace(self, tables: Any, language: str) -> None:
        partner = tables.partner_p
        mine = visible(partner, Trajectory).order_by("phase_changed_at")
        with translation.override(language):
            page = _get(partner, reverse("trajectories:partner_workspace"), language)
            to_quote = _full(mine.filter(phase__in=[Phase.STARTUP, Phase.QUOTE]))
            running = _full(mine.filter(phase=Phase.EXECUTION))
            assert len(to_quote) > 5 and len(running) > 20
            assert _rows(_section(page, _text("Quotes to write"))) == [
                _short_row(t) for t in to_quote
            ]
            assert _rows(_section(page, _text("In execution"))) == [_short_row(t) for t in running]
            coming = list(
                visible(partner, Session)
                .filter(starts_at__gte=timezone.now())
                .select_related("trajectory__company")
            )
            assert len(coming) == len(Place.values)
            shown = re.findall(
                r"<li>(.*?)</li>", _section(page, _text("Coming test days and sessions"))
            )
            assert shown == [
                f"{escape(formatting.datetime(s.starts_at, 'short'))} · "
                f'<a href="{reverse("trajectories:detail", args=[s.trajectory_id])}">'
                f"{escape(s.title)}</a> · {escape(str(s.trajectory.company))} · "
                f"{escape(s.get_place_display())}"
                for s in coming
            ]

    def test_the_smes_workspace(self, tables: Any, language: str) -> None:
        sme = tables.sme_x
        with translation.override(language):
            page = _get(sme, reverse("trajectories:sme_workspace"), language)
            own = _full(visible(sme, Trajectory).order_by("-started_at"))
            assert len(own) > 5
            assert _rows(page) == [_short_row(t) for t in own]


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_time_in_a_phase_reads_as_the_timesince_filter_writes_it(language: str) -> None:
    now = timezone.now()
    moments = [None, now + dt.timedelta(minutes=5), now, now - dt.timedelta(seconds=59)]
    for minutes in (1, 2, 59, 61, 60 * 24, 60 * 49 + 3, 60 * 24 * 7 + 1, 60 * 24 * 9):
        moments.append(now - dt.timedelta(minutes=minutes))
    for days in (1, 2, 14, 15, 31, 32, 61, 365, 366, 400, 731, 800, 3000):
        moments += [now - dt.timedelta(days=days), now - dt.timedelta(days=days, hours=5)]
    with translation.override(language):
        rows = selectors.TableRows()
        rows.now = now
        for _round in range(2):  # the second time from the texts already translated
            assert [rows.since(m) for m in moments] == [
                timesince(m, now) if m else "" for m in moments
            ]


@pytest.mark.django_db
def test_the_list_export_keeps_every_row_and_column(tables: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(tables.advisor_a)
    response = client.get(reverse("trajectories:list"), {"phase": "execution", "export": "csv"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    running = _full(
        visible(tables.advisor_a, Trajectory)
        .filter(phase=Phase.EXECUTION)
        .order_by("phase_changed_at", "-pk")
    )
    assert len(running) > 25
    assert lines[0] == [
        "Trajectory",
        "Company",
        "Municipality",
        "Phase",
        "Partner",
        "Advisor",
        "Hub",
        "Started",
        "In this phase since",
    ]
    assert [line[:7] for line in lines[1:]] == [
        [
            t.reference,
            t.company.name,
            t.company.city,
            str(t.get_phase_display()),
            t.partner.short_name,
            str(t.advisor),
            t.hub.name,
        ]
        for t in running
    ]


@pytest.mark.django_db
def test_the_trajectory_page_reads_contact_advice_and_survey_with_the_trajectory(
    scene: Any,  # noqa: F811
) -> None:
    tx = Trajectory.objects.select_related("question__contact").get(pk=scene.tx.pk)
    assert tx.question is not None and tx.question.contact is not None
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(scene.advisor_a)
    url = reverse("trajectories:detail", args=[tx.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert len(captured) <= 15
    contact = tx.question.contact
    assert f"{contact.first_name} {contact.last_name}" in page
    assert tx.advice.get_kind_display() in page  # type: ignore[attr-defined]
    assert f"<strong>{tx.survey.score}/5</strong>" in page  # type: ignore[attr-defined]
    # What the SME pays: the payments requested for any quote of the trajectory.
    paid = PaymentRequest.objects.filter(
        document_type=ContentType.objects.get_for_model(Quote),
        document_id__in=[str(pk) for pk in tx.quotes.values_list("pk", flat=True)],  # type: ignore[attr-defined]
    ).aggregate(total=Sum("amount"))["total"]
    assert paid and paid > 0
    assert selectors.sme_share(tx) == paid
    assert formatting.eur(paid) in page
    assert selectors.sme_share(Trajectory()) == Decimal("0")  # no quote, nothing to pay
