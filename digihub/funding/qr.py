"""The SEPA credit-transfer QR code (EPC069-12, "GiroCode") a banking app scans to pay a share.

Made with segno's ``make_epc_qr``: version 002, UTF-8 (character set 1), SCT, the payee's BIC
and name, IBAN, the amount in euro, purpose SCVE (purchase of services), and the Belgian
structured communication (12 digits) as the structured remittance reference — the field
Belgian banking apps read it from (Febelfin's guideline for the EPC QR code).
"""

from __future__ import annotations

import io
from decimal import Decimal

import segno
from segno import helpers

from .models import PaymentRequest

PURPOSE = "SCVE"


def epc_qr(request: PaymentRequest, amount: Decimal | None = None) -> segno.QRCode:
    """The QR code of what is still to be paid (or ``amount``) for a request with a payee."""
    payee = request.payee
    if payee is None:
        raise ValueError("A payment request without a payee has no QR code.")
    due = request.remainder if amount is None else amount
    return helpers.make_epc_qr(
        name=payee.name[:70],
        iban=payee.iban,
        amount=due,
        reference=request.structured_communication,
        bic=payee.bic or None,
        purpose=PURPOSE,
        encoding="utf-8",
    )


def epc_payload(request: PaymentRequest, amount: Decimal | None = None) -> str:
    """The text the QR code carries (for tests and for the people who want to check it)."""
    # segno's own validated payload, exactly what make_epc_qr encodes (not in its typed API).
    make_data = getattr(helpers, "_make_epc_qr_data")  # noqa: B009
    data = make_data(
        request.payee.name[:70] if request.payee else "",
        request.payee.iban if request.payee else "",
        request.remainder if amount is None else amount,
        reference=request.structured_communication,
        bic=(request.payee.bic or None) if request.payee else None,
        purpose=PURPOSE,
        encoding="utf-8",
    )
    return bytes(data).decode("utf-8")


def epc_svg(request: PaymentRequest, *, scale: int = 4) -> str:
    """The QR code as an SVG document (with a title for screen readers)."""
    out = io.BytesIO()
    epc_qr(request).save(
        out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True, title="EPC QR"
    )
    return out.getvalue().decode("utf-8")


def epc_data_uri(request: PaymentRequest, *, scale: int = 4) -> str:
    """The QR code as a data: URI, for PDFs (which fetch nothing else)."""
    return str(epc_qr(request).svg_data_uri(scale=scale, border=4))
