"""Demo money in (after the trajectories' demo signed its quotes): shares paid in full and in
part by a bank statement, one overdue and reminded, one credit to resolve by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from digihub.accounts.models import User
from digihub.accounts.roles import Role

from .models import BankStatement, PaymentRequest, PaymentStatus
from .payments import daily_run, import_statement


def camt053(iban: str, credits: list[dict[str, str]], statement_id: str) -> bytes:
    """A camt.053.001.08 statement of ``iban`` with these credits (amount, name, communication,
    reference, date, currency)."""
    from xml.sax.saxutils import escape

    entries = "".join(
        f"""<Ntry><NtryRef>{escape(c["reference"])}</NtryRef>
<Amt Ccy="{c.get("currency", "EUR")}">{c["amount"]}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{c["date"]}</Dt></BookgDt><ValDt><Dt>{c["date"]}</Dt></ValDt>
<AcctSvcrRef>{escape(c["reference"])}</AcctSvcrRef><BkTxCd/>
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
<RltdPties><Dbtr><Pty><Nm>{escape(c.get("name", ""))}</Nm></Pty></Dbtr>
<DbtrAcct><Id><IBAN>{c.get("debtor_iban", "BE71096123456769")}</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf>{_remittance(c.get("communication", ""))}</RmtInf></TxDtls></NtryDtls></Ntry>"""
        for c in credits
    )
    today = timezone.localdate().isoformat()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt><GrpHdr><MsgId>{statement_id}</MsgId><CreDtTm>{today}T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{statement_id}</Id><CreDtTm>{today}T08:00:00</CreDtTm>
<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
{entries}</Stmt></BkToCstmrStmt></Document>""".encode()


def _remittance(communication: str) -> str:
    from xml.sax.saxutils import escape

    digits = "".join(ch for ch in communication if ch.isdigit())
    if len(digits) == 12 and communication.startswith("+++"):
        return (
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>"
            f"<Ref>{digits}</Ref></CdtrRefInf></Strd>"
        )
    return f"<Ustrd>{escape(communication)}</Ustrd>" if communication else ""


def build() -> None:
    if BankStatement.objects.exists():
        return
    officer = User.objects.filter(role=Role.OFFICER, is_active=True).order_by("pk").first()
    requests = list(
        PaymentRequest.objects.filter(status=PaymentStatus.REQUESTED, payee__isnull=False)
        .select_related("payee", "company")
        .order_by("pk")
    )
    if officer is None or len(requests) < 3:
        return
    today = timezone.localdate()
    # One share was due two weeks ago: overdue, and reminded after its due date.
    late = requests[-1]
    PaymentRequest.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - dt.timedelta(days=45), due_date=today - dt.timedelta(days=14)
    )
    paid_full, paid_part = requests[0], requests[1]
    credits = [
        {
            "reference": "DEMO-0001",
            "amount": str(paid_full.amount),
            "name": paid_full.company.name,
            "communication": str(paid_full),
            "date": (today - dt.timedelta(days=2)).isoformat(),
        },
        {
            "reference": "DEMO-0002",
            "amount": str((paid_part.amount / 2).quantize(Decimal("0.01"))),
            "name": paid_part.company.name,
            "communication": str(paid_part),
            "date": (today - dt.timedelta(days=1)).isoformat(),
        },
        {
            # Paid without the structured communication: suggested by amount and name.
            "reference": "DEMO-0003",
            "amount": str(requests[2].amount),
            "name": requests[2].company.name,
            "communication": "bijdrage digihub",
            "date": (today - dt.timedelta(days=1)).isoformat(),
        },
    ]
    assert paid_full.payee is not None  # filtered above
    data = camt053(paid_full.payee.iban, credits, f"DEMO-{today:%Y%m%d}")
    import_statement(actor=officer, data=data, file_name="afschrift-demo.xml")
    daily_run()
