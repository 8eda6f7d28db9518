"""Money in: the SME pays its share from its phone, the officer reconciles the bank statement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone, translation

from digihub.core.formatting import eur

PHONE_WIDTH = 390


def test_sme_pays_on_a_phone_and_the_officer_reconciles(demo: None, session: Any) -> None:
    from digihub.accounts.models import User
    from digihub.funding.demo_payments import camt053
    from digihub.funding.models import PaymentRequest, PaymentStatus
    from digihub.trajectories.models import Phase, QuoteStatus, Trajectory

    company = User.objects.get(email="sme@demo.digihub.be").company
    trajectory = Trajectory.objects.get(
        company=company, phase=Phase.QUOTE, quotes__status=QuoteStatus.ISSUED
    )

    # The SME signs on its phone; the confirmation says what it pays, to whom, by when.
    sme = session(locale="nl-BE", phone=True)
    sme.page.on("dialog", lambda dialog: dialog.accept())
    page = sme.login("sme@demo.digihub.be")
    page.goto(f"/trajectories/{trajectory.pk}/")
    page.locator("#sign_signer_name").fill("Karel Kmo")
    page.locator("#sign_agree").check()
    with page.expect_navigation():
        page.locator("#sign button[type=submit]").click()
    payment = PaymentRequest.objects.select_related("payee").get(
        company=company,
        status=PaymentStatus.REQUESTED,
        document_label__contains=trajectory.reference,
    )
    pay = page.locator("#pay")
    pay.wait_for()
    text = pay.inner_text()
    assert payment.payee.iban_display in text and payment.payee.name in text, text
    assert payment.communication_display in text, text
    with translation.override("nl"):
        assert eur(payment.remainder) in text, text
    due = pay.locator(f"time[datetime='{payment.due_date:%Y-%m-%d}']")
    assert due.is_visible()
    qr = pay.locator("img.epc-qr")
    qr.scroll_into_view_if_needed()
    assert qr.is_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not load"
    sme.assert_accessible("quote signed, what the SME pays")
    sme.shot("09-sme-pays")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"the payment scrolls sideways on a phone ({width}px)"
    # The amount is not cut off: it fits inside the card.
    fits = page.evaluate(
        """() => [...document.querySelectorAll('#pay .amount-big, #pay .amount, #pay code')]
            .every(el => el.scrollWidth <= el.clientWidth + 1
                && el.getBoundingClientRect().right <= window.innerWidth)"""
    )
    assert fits, "an amount, the IBAN or the communication is cut off on a phone"

    # The bank statement the officer downloads holds the SME's transfer.
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    statement = camt053(
        payment.payee.iban,
        [
            {
                "reference": "E2E-SME-1",
                "amount": f"{payment.remainder:.2f}",
                "communication": str(payment),
                "date": yesterday,
                "name": company.name,
            }
        ],
        "E2E-STMT-1",
    )
    officer = session(locale="nl-BE")
    page = officer.login("officer@demo.digihub.be")
    page.goto("/funding/reconcile/")
    page.locator("#id_file").set_input_files(
        {"name": "afschrift.xml", "mimeType": "application/xml", "buffer": statement}
    )
    with page.expect_navigation():
        page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    assert "/funding/reconcile/statements/" in page.url, page.locator("main").inner_text()
    row = page.locator("tbody tr", has=page.locator(f"a[href='/funding/payments/{payment.pk}/']"))
    assert row.count() == 1, page.locator("main").inner_text()
    assert row.locator(".badge.ok").count() == 1  # matched
    officer.assert_accessible("statement imported")
    officer.shot("10-officer-statement")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.remainder == 0

    # Back on its phone, the SME sees that nothing is left to pay.
    page = sme.page
    page.goto(f"/funding/payments/{payment.pk}/")
    assert page.locator("#pay-qr").count() == 0
