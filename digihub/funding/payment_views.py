"""Pages of money in: the SME's payment (with its QR code and slip), and the reconciliation —
statement upload, what a statement matched, the credits to resolve, reminders, exports.

The pages call ``digihub.funding.payments``; a button shows when ``can(user, step, object)``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digihub.accounts.roles import Role
from digihub.audit.visibility import sees_internal, shown_events
from digihub.core.access import can, get_visible_or_404, visible
from digihub.core.forms import add_errors
from digihub.core.money import ZERO
from digihub.core.pagination import paginate
from digihub.core.pdf import render_pdf

from . import exports, payments, qr
from .forms import DismissForm, ReasonForm, ReceiptForm, ResolveForm, StatementUploadForm
from .models import (
    OUTSTANDING,
    BankStatement,
    EntryState,
    PaymentRequest,
    PaymentStatus,
    Receipt,
    ReminderSent,
    StatementEntry,
)
from .policies import require_reconciler
from .statements import MAX_STATEMENT_BYTES, StatementRefused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _payment(request: HttpRequest, pk: int) -> PaymentRequest:
    return get_visible_or_404(
        request.user,
        PaymentRequest.objects.select_related("company", "programme", "payee", "hub"),
        pk=pk,
    )


def _payment_context(request: HttpRequest, payment: PaymentRequest, **forms: Any) -> dict[str, Any]:
    user = request.user
    return {
        "payment": payment,
        "is_sme": getattr(user, "role", "") == Role.SME,
        "today": timezone.localdate(),
        "receipts": payment.receipts.order_by("received_on", "pk"),  # type: ignore[attr-defined]
        "events": shown_events(user, payment),
        "internal": sees_internal(user),
        "receipt_form": forms.get("receipt_form")
        or ReceiptForm(
            prefix="receipt",
            initial={"amount": payment.remainder, "received_on": timezone.localdate()},
        ),
        "cancel_form": forms.get("cancel_form") or ReasonForm(prefix="cancel"),
        "refund_form": forms.get("refund_form") or ReasonForm(prefix="refund"),
        "may_receive": can(user, "pay_part", payment) or can(user, "pay", payment),
        "may_cancel": can(user, "cancel", payment),
        "may_refund": can(user, "refund", payment),
    }


@login_required
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What the SME pays and why, to whom, by when, with the QR code its banking app scans."""
    payment = _payment(request, pk)
    return render(request, "funding/money/payment.html", _payment_context(request, payment))


@login_required
def payment_qr(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment(request, pk)
    if payment.payee is None or not payment.remainder:
        raise Http404
    response = HttpResponse(qr.epc_svg(payment), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def payment_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment(request, pk)
    pdf = render_pdf(
        "funding/money/payment_pdf.html",
        {
            "payment": payment,
            "qr": qr.epc_data_uri(payment) if payment.payee and payment.remainder else "",
            "today": timezone.localdate(),
        },
        accessible=True,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="payment-{payment.structured_communication}.pdf"'
    )
    return response


@login_required
@require_POST
def payment_receive(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment(request, pk)
    form = ReceiptForm(request.POST, prefix="receipt")
    if form.is_valid():
        try:
            payments.record_receipt(
                actor=request.user,
                request=payment,
                amount=form.cleaned_data["amount"],
                received_on=form.cleaned_data["received_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:  # PermissionDenied (NotAllowed) answers 403
            add_errors(form, exc)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("funding:payment_detail", pk=payment.pk)
    return render(
        request,
        "funding/money/payment.html",
        _payment_context(request, payment, receipt_form=form),
        status=400,
    )


def _reason_step(
    request: HttpRequest, pk: int, prefix: str, service: Any, done: str
) -> HttpResponse:
    payment = _payment(request, pk)
    form = ReasonForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            service(actor=request.user, request=payment, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("funding:payment_detail", pk=payment.pk)
    return render(
        request,
        "funding/money/payment.html",
        _payment_context(request, payment, **{f"{prefix}_form": form}),
        status=400,
    )


@login_required
@require_POST
def payment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_step(
        request, pk, "cancel", payments.cancel_request, _("Payment request cancelled.")
    )


@login_required
@require_POST
def payment_refund(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_step(request, pk, "refund", payments.refund_request, _("Refund recorded."))


# Reconciliation -----------------------------------------------------------------------------
@login_required
def reconcile(request: HttpRequest) -> HttpResponse:
    """Upload a statement; the latest statements; what is still to resolve."""
    require_reconciler(request.user)
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = payments.import_upload(actor=request.user, upload=form.cleaned_data["file"])
        except StatementRefused as exc:
            form.add_error("file", exc.messages)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if result.already_imported:
                messages.info(
                    request,
                    _("This statement was imported before; nothing changed."),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Statement imported: %(credits)s credits, %(matched)s matched, %(open)s to resolve."
                    )
                    % {
                        "credits": result.statement.credits,
                        "matched": result.statement.matched,
                        "open": result.statement.to_resolve,
                    },
                )
            return redirect("funding:statement", pk=result.statement.pk)
    if form.errors:
        status = 400
    statements = visible(request.user, BankStatement).select_related("payee", "uploaded_by")
    to_resolve = visible(request.user, StatementEntry).filter(state=EntryState.TO_RESOLVE)
    outstanding = visible(request.user, PaymentRequest).filter(status__in=OUTSTANDING)
    sums = outstanding.aggregate(
        n=Count("pk"),
        due=Sum("amount", default=ZERO),
        received=Sum("paid_amount", default=ZERO),
        overdue=Count("pk", filter=Q(status=PaymentStatus.OVERDUE)),
    )
    return render(
        request,
        "funding/money/reconcile.html",
        {
            "form": form,
            "statements": statements[:20],
            "to_resolve_count": to_resolve.count(),
            "outstanding": sums,
            "max_mb": MAX_STATEMENT_BYTES // (1024 * 1024),
        },
        status=status,
    )


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_reconciler(request.user)
    statement = get_visible_or_404(
        request.user, BankStatement.objects.select_related("payee", "uploaded_by"), pk=pk
    )
    entries = statement.entries.select_related("request__company", "suggestion__company").order_by(  # type: ignore[attr-defined]
        "state", "booked_on", "pk"
    )
    return render(
        request,
        "funding/money/statement.html",
        {"statement": statement, "page": paginate(request, entries, per_page=100)},
    )


@login_required
def to_resolve(request: HttpRequest) -> HttpResponse:
    require_reconciler(request.user)
    entries = (
        visible(request.user, StatementEntry)
        .filter(state=EntryState.TO_RESOLVE)
        .select_related("statement", "suggestion__company", "payee")
        .order_by("booked_on", "pk")
    )
    return render(
        request,
        "funding/money/to_resolve.html",
        {"page": paginate(request, entries, per_page=25)},
    )


def _entry(request: HttpRequest, pk: int) -> StatementEntry:
    require_reconciler(request.user)
    return get_visible_or_404(
        request.user, StatementEntry.objects.select_related("payee", "statement"), pk=pk
    )


@login_required
def entry_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    initial = {"communication": entry.suggestion.communication_display} if entry.suggestion else {}
    form = ResolveForm(request.POST or None, initial=initial)
    dismiss = DismissForm(prefix="dismiss")
    if request.method == "POST" and form.is_valid():
        try:
            target = payments.request_named_by(request.user, form.cleaned_data["communication"])
            payments.resolve_entry(
                actor=request.user, entry=entry, request=target, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Credit assigned to %(ref)s.") % {"ref": target})
            return redirect("funding:to_resolve")
    return render(
        request,
        "funding/money/resolve.html",
        {"entry": entry, "form": form, "dismiss": dismiss},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def entry_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = DismissForm(request.POST, prefix="dismiss")
    if form.is_valid():
        try:
            payments.dismiss_entry(actor=request.user, entry=entry, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Credit set aside."))
            return redirect("funding:to_resolve")
    return render(
        request,
        "funding/money/resolve.html",
        {"entry": entry, "form": ResolveForm(), "dismiss": form},
        status=400,
    )


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    """The reminders sent, and the requests that are overdue or due soon."""
    require_reconciler(request.user)
    today = timezone.localdate()
    sent = visible(request.user, ReminderSent).select_related("request__company")
    outstanding = (
        visible(request.user, PaymentRequest)
        .filter(status__in=OUTSTANDING)
        .select_related("company")
        .order_by("due_date", "pk")
    )
    return render(
        request,
        "funding/money/reminders.html",
        {
            "sent": paginate(request, sent.order_by("-sent_at", "-pk"), per_page=50),
            "overdue": outstanding.filter(due_date__lt=today)[:50],
            "due_soon": outstanding.filter(
                due_date__gte=today, due_date__lte=today + dt.timedelta(days=14)
            )[:50],
            "today": today,
        },
    )


@login_required
def export(request: HttpRequest, what: str, fmt: str) -> HttpResponse:
    """Payment requests or receipts for the accounting, as XLSX or CSV."""
    require_reconciler(request.user)
    if what not in ("requests", "receipts") or fmt not in ("xlsx", "csv"):
        raise Http404
    if what == "requests":
        headers, rows = (
            exports.request_headers(),
            exports.request_rows(
                visible(request.user, PaymentRequest).order_by("created_at", "pk")
            ),
        )
        title = _("Payment requests")
    else:
        headers, rows = (
            exports.receipt_headers(),
            exports.receipt_rows(visible(request.user, Receipt).order_by("received_on", "pk")),
        )
        title = _("Receipts")
    stem = f"{what}-{timezone.localdate():%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(exports.to_xlsx(title, headers, rows), content_type=XLSX)
    else:
        response = HttpResponse(
            "\ufeff" + exports.to_csv(headers, rows), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
