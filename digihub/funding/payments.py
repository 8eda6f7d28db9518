"""Money in: the SME's share received, reminded, lapsed, and reconciled from the bank statement.

Every change is a step of ``digihub.funding.workflow`` taken with ``fire()``: who, state and
conditions come from that table. A statement import is one step of the statement ("import"),
in one transaction: inside it each matched payment request moves with ``advance()`` (its own
table checks its state), so 10,000 credits are matched with a handful of queries, and either
the whole file is imported or nothing is.

Matching, in this order:
1. the structured communication (+++123/4567/89012+++) names the request: if it is paid to the
   requested account, in euro, and not more than what is still due, the request becomes paid
   (or partly paid, with the remainder still due);
2. everything else goes to the "to resolve" list, with why (unknown communication, none, already
   paid, more than due, another currency or account) and, where one fits, a suggested request:
   the one the communication names, else an outstanding request of the same remaining amount
   whose company name matches the payer's. Nothing is matched on a suggestion without a person.

The same file (its SHA-256) is imported once; a credit (its bank reference on that account) is
imported once even when it comes back in an overlapping statement.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.be import ogm_vcs

from digihub.audit.models import AuditEvent
from digihub.audit.services import summary_data
from digihub.core.access import visible
from digihub.core.formatting import date as format_date
from digihub.core.money import ZERO
from digihub.core.notifications import Email, message
from digihub.core.workflow import NotNow, advance, fire

from .models import (
    OUTSTANDING,
    BankStatement,
    EntryState,
    Payee,
    PaymentRequest,
    PaymentStatus,
    Receipt,
    ReminderKind,
    ReminderSent,
    ResolveReason,
    StatementEntry,
)
from .services import money, release_commitment
from .statements import MAX_STATEMENT_BYTES, Credit, StatementRefused, parse_camt053, too_large

CHUNK = 2000


def sme_emails(request: PaymentRequest) -> list[str]:
    """Where the SME reads about its share: its active users, else its contacts' addresses."""
    company = request.company
    users = list(company.users.filter(is_active=True).values_list("email", flat=True))  # type: ignore[attr-defined]
    if users:
        return [u for u in users if u]
    contacts = getattr(company, "contacts", None)
    if contacts is None:
        return []
    return [e for e in contacts.exclude(email="").values_list("email", flat=True)[:3] if e]


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


# Receipts by hand ---------------------------------------------------------------------------
def record_receipt(
    *,
    actor: Any,
    request: PaymentRequest,
    amount: Any,
    received_on: dt.date | None = None,
    note: str = "",
    entry: StatementEntry | None = None,
) -> PaymentRequest:
    """Money received for a request (by hand, or a statement credit assigned to it): the request
    becomes paid when nothing remains, else partly paid. A credit assigned by hand may exceed what
    is due (the excess shows as overpaid, to refund)."""
    value = money(amount)
    if value <= 0:
        raise ValidationError({"amount": _("A payment received is more than zero.")})
    day = received_on or (entry.booked_on if entry else timezone.localdate())
    if day > timezone.localdate():
        raise ValidationError({"received_on": _("A payment cannot be received in the future.")})
    remainder = PaymentRequest.objects.get(pk=request.pk).remainder
    step = "pay" if value >= remainder else "pay_part"

    def work(r: PaymentRequest) -> Receipt:
        if ("pay" if value >= r.remainder else "pay_part") != step:
            raise ValidationError(_("The payment changed meanwhile; look again."), code="changed")
        if entry is not None:
            locked_entry = StatementEntry.objects.select_for_update().get(pk=entry.pk)
            advance(locked_entry, "assign")
            locked_entry.request = r
            locked_entry.resolved_by = actor if getattr(actor, "pk", None) else None
            locked_entry.resolved_at = timezone.now()
            locked_entry.note = note[:300]
            locked_entry.save()
        r.paid_amount = r.paid_amount + value
        if step == "pay":
            r.paid_at = _noon(day)
        return Receipt.objects.create(
            request=r,
            amount=value,
            received_on=day,
            entry=entry,
            payer_name=entry.debtor_name if entry else "",
            payer_iban=entry.debtor_iban if entry else "",
            actor=actor if getattr(actor, "pk", None) else None,
            note=note[:300],
        )

    locked, _receipt = fire(
        request,
        step,
        actor=actor,
        reason=note,
        work=work,
        summary=lambda r, rc: (
            message(
                gettext_lazy("%(amount)s received for %(ref)s; paid in full"), amount=value, ref=r
            )
            if step == "pay"
            else message(
                gettext_lazy("%(amount)s received for %(ref)s; %(left)s still to pay"),
                amount=value,
                ref=r,
                left=r.remainder,
            )
        ),
        emails=lambda r, rc: [
            Email(
                sme_emails(r),
                gettext_lazy("Payment received: %(ref)s") % {"ref": r},
                "funding/email/received.txt",
                {"payment": r, "received": value},
            )
        ],
        data={"amount": str(value), "received_on": day.isoformat()},
    )
    return locked  # type: ignore[no-any-return]


def cancel_request(*, actor: Any, request: PaymentRequest, reason: str) -> PaymentRequest:
    """Withdraw a request (a quote signed by mistake, a share waived by the programme)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the payment request is cancelled.")})
    locked, _r = fire(
        request,
        "cancel",
        actor=actor,
        reason=reason,
        summary=lambda r, _x: message(gettext_lazy("Payment request %(ref)s cancelled"), ref=r),
    )
    return locked  # type: ignore[no-any-return]


def refund_request(*, actor: Any, request: PaymentRequest, reason: str) -> PaymentRequest:
    """Record that what the SME paid was paid back to it."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the payment is refunded.")})
    locked, _r = fire(
        request,
        "refund",
        actor=actor,
        reason=reason,
        summary=lambda r, _x: message(
            gettext_lazy("%(amount)s refunded for %(ref)s"), amount=r.paid_amount, ref=r
        ),
        data={"refunded": "see receipts"},
    )
    return locked  # type: ignore[no-any-return]


# The daily run ------------------------------------------------------------------------------
@dataclass
class DailyRun:
    overdue: int = 0
    reminded_before: int = 0
    reminded_after: int = 0
    lapsed: int = 0


def _remind(request: PaymentRequest, kind: str, actor: Any, system: bool) -> bool:
    """Send one reminder of a kind, once: the ReminderSent row is written in the step."""
    recipients = sme_emails(request)

    def work(r: PaymentRequest) -> bool:
        try:
            with transaction.atomic():
                ReminderSent.objects.create(request=r, kind=kind, recipients=len(recipients))
        except IntegrityError:
            raise ValidationError(_("Already reminded."), code="reminded") from None
        return True

    template = (
        "funding/email/reminder_before.txt"
        if kind == ReminderKind.BEFORE
        else "funding/email/reminder_after.txt"
    )
    subject = (
        gettext_lazy("Reminder: your share %(ref)s is due on %(due)s")
        if kind == ReminderKind.BEFORE
        else gettext_lazy("Overdue: your share %(ref)s was due on %(due)s")
    )
    try:
        fire(
            request,
            "remind",
            actor=actor,
            system=system,
            work=work,
            summary=lambda r, _x: (
                gettext_lazy("Reminder sent before the due date")
                if kind == ReminderKind.BEFORE
                else gettext_lazy("Reminder sent after the due date")
            ),
            emails=lambda r, _x: [
                Email(
                    recipients,
                    subject % {"ref": r, "due": format_date(r.due_date)},
                    template,
                    {"payment": r},
                )
            ],
            data={"kind": kind},
        )
    except ValidationError:
        return False
    return True


def daily_run(*, actor: Any = None, today: dt.date | None = None) -> DailyRun:
    """Overdue, reminders and lapses for ``today``; safe to run any number of times a day.

    With ``actor`` (a coordinator starting it by hand) every step checks that person; without,
    the platform takes the steps on the programme's rules (``system``)."""
    day = today or timezone.localdate()
    system = actor is None
    run = DailyRun()
    base = PaymentRequest.objects.select_related("programme", "company").order_by("pk")
    # 1. Past the due date: overdue.
    for request in base.filter(
        status__in=[PaymentStatus.REQUESTED, PaymentStatus.PARTLY_PAID], due_date__lt=day
    ).iterator(chunk_size=500):
        try:
            fire(
                request,
                "overdue",
                actor=actor,
                system=system,
                summary=lambda r, _x: message(
                    gettext_lazy("Payment %(ref)s is overdue (due %(due)s)"), ref=r, due=r.due_date
                ),
            )
            run.overdue += 1
        except ValidationError:
            continue
    # 2. Reminders: N days before the due date, and N days after it (once each).
    for request in (
        base.filter(status__in=OUTSTANDING, programme__reminder_days_before__gt=0)
        .filter(due_date__gte=day)
        .exclude(reminders__kind=ReminderKind.BEFORE)
        .iterator(chunk_size=500)
    ):
        due: dt.date = request.due_date  # type: ignore[assignment]  # filtered: not null
        if due - dt.timedelta(days=request.programme.reminder_days_before) <= day:
            run.reminded_before += _remind(request, ReminderKind.BEFORE, actor, system)
    for request in (
        base.filter(status__in=OUTSTANDING, programme__reminder_days_after__gt=0)
        .filter(due_date__lt=day)
        .exclude(reminders__kind=ReminderKind.AFTER)
        .iterator(chunk_size=500)
    ):
        due = request.due_date  # type: ignore[assignment]  # filtered: not null
        if due + dt.timedelta(days=request.programme.reminder_days_after) <= day:
            run.reminded_after += _remind(request, ReminderKind.AFTER, actor, system)
    # 3. Lapses: the programme's rule, N days after the due date with nothing paid.
    for request in base.filter(
        status=PaymentStatus.OVERDUE, programme__lapse_after_days__isnull=False, paid_amount=0
    ).iterator(chunk_size=500):
        if lapse(request=request, actor=actor, system=system, today=day):
            run.lapsed += 1
    return run


def _document(request: PaymentRequest) -> Any:
    if request.document_type_id is None or not request.document_id:
        return None
    model = ContentType.objects.get_for_id(request.document_type_id).model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=request.document_id).first()


def lapse(
    *,
    request: PaymentRequest,
    actor: Any = None,
    system: bool = False,
    today: dt.date | None = None,
) -> bool:
    """The programme's rule for an unpaid share: the request lapses and what its document still
    holds is released through the funding engine; the trajectory follows (``on_step``)."""

    def work(r: PaymentRequest) -> Decimal:
        document = _document(r)
        if document is None:
            return ZERO
        return release_commitment(
            actor=actor,
            document=document,
            reason=_("the SME's share %(ref)s was not paid %(days)s days after its due date")
            % {"ref": r, "days": r.programme.lapse_after_days},
        )

    try:
        fire(
            request,
            "lapse",
            actor=actor,
            system=system,
            work=work,
            reason=_("Not paid %(days)s days after the due date")
            % {"days": request.programme.lapse_after_days},
            summary=lambda r, released: message(
                gettext_lazy("Payment %(ref)s lapsed; %(released)s of the commitment released"),
                ref=r,
                released=released,
            ),
            emails=lambda r, _x: [
                Email(
                    sme_emails(r),
                    gettext_lazy("Your share %(ref)s was not paid in time") % {"ref": r},
                    "funding/email/lapsed.txt",
                    {"payment": r},
                )
            ],
        )
    except ValidationError:
        return False
    return True


# Bank statements ----------------------------------------------------------------------------
@dataclass
class ImportResult:
    statement: BankStatement
    already_imported: bool = False


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _words(text: str) -> set[str]:
    ignore = {"bv", "nv", "bvba", "vzw", "cv", "srl", "sa", "sprl", "the", "de", "van", "en"}
    return {w for w in re.findall(r"[a-z0-9]{2,}", text.lower()) if w not in ignore}


def _suggest(entries: list[StatementEntry], account: str) -> None:
    """An outstanding request of the same remaining amount, the payer's name fitting the
    company's, for the credits no communication matched (a suggestion only)."""
    wanting = [e for e in entries if e.suggestion_id is None and e.currency == "EUR"][:500]
    amounts = {e.amount for e in wanting}
    if not amounts:
        return
    # One query for all amounts, the first 50 requests of each (a query per amount scanned the
    # outstanding requests each time: 47 s for 250 amounts against 500,000 requests).
    rest = ExpressionWrapper(
        F("amount") - F("paid_amount"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )
    first = Window(RowNumber(), partition_by=[rest], order_by=[F("due_date").asc(), F("pk").asc()])
    ranked = (
        PaymentRequest.objects.filter(status__in=OUTSTANDING, payee__iban=account)
        .annotate(rest=rest)
        .filter(rest__in=amounts)
        .annotate(rank=first)
        .filter(rank__lte=50)
        .values("pk")  # narrow rows to rank: wide ones made the sort spill to disk
    )
    candidates: dict[Decimal, list[PaymentRequest]] = {}
    for request in (
        PaymentRequest.objects.filter(pk__in=ranked)
        .annotate(rest=rest)
        .select_related("company")
        .order_by("due_date", "pk")
    ):
        candidates.setdefault(request.rest, []).append(request)  # type: ignore[attr-defined]
    for entry in wanting:
        same = candidates.get(entry.amount, [])
        payer = _words(entry.debtor_name)
        named = [r for r in same if payer and payer & _words(r.company.name)]
        if len(named) >= 1:
            entry.suggestion = named[0]
        elif len(same) == 1:
            entry.suggestion = same[0]


def _resolve(
    pending: list[StatementEntry],
    entry: StatementEntry,
    reason: str,
    suggestion: PaymentRequest | None,
) -> None:
    entry.state, entry.reason, entry.suggestion = EntryState.TO_RESOLVE, reason, suggestion
    pending.append(entry)


def import_upload(*, actor: Any, upload: UploadedFile) -> ImportResult:
    """A statement uploaded on the page or through the API; one larger than a statement may be
    is refused before it is read."""
    if upload.size is not None and upload.size > MAX_STATEMENT_BYTES:
        raise too_large()
    return import_statement(actor=actor, data=upload.read(), file_name=upload.name or "")


def import_statement(*, actor: Any, data: bytes, file_name: str = "") -> ImportResult:
    """Import a camt.053 file: match its credits, in one transaction; the same file twice, or a
    credit already imported from another file, changes nothing. Refuses (``StatementRefused``)
    a file that cannot be trusted, saying why."""
    if len(data) > MAX_STATEMENT_BYTES:
        raise too_large()
    digest = hashlib.sha256(data).hexdigest()
    known = BankStatement.objects.filter(sha256=digest).first()
    if known is not None:
        return ImportResult(known, already_imported=True)
    parsed = parse_camt053(data)
    payees = list(Payee.objects.filter(iban=parsed.account_iban).select_related("chamber"))
    if not payees:
        from .payees import format_iban

        raise StatementRefused(
            _(
                "Account %(iban)s is not an account payments are requested on; upload the "
                "statement of a payee account."
            )
            % {"iban": format_iban(parsed.account_iban)},
            code="account",
        )
    # The payee whose chamber is the uploader's, if one is, decides who may import it.
    chamber_id = getattr(actor, "chamber_id", None)
    payee = next((p for p in payees if p.chamber_id and p.chamber_id == chamber_id), payees[0])
    now = timezone.now()
    try:
        with transaction.atomic():
            statement = BankStatement.objects.create(
                payee=payee,
                sha256=digest,
                file_name=file_name[:200],
                statement_id=parsed.statement_id,
                created_on=parsed.created_on,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
                uploaded_at=now,
            )
            fire(
                statement,
                "import",
                actor=actor,
                work=lambda s: _apply(s, parsed.credits, parsed.account_iban, actor, now),
                summary=lambda s, _x: message(
                    gettext_lazy(
                        "Statement %(id)s: %(credits)s credits, %(matched)s matched, %(open)s to resolve"
                    ),
                    id=s,
                    credits=s.credits,
                    matched=s.matched,
                    open=s.to_resolve,
                ),
                data={"sha256": digest},
            )
    except IntegrityError:
        # The same file, uploaded at the same moment by someone else: theirs counts.
        known = BankStatement.objects.filter(sha256=digest).first()
        if known is None:
            raise
        return ImportResult(known, already_imported=True)
    statement.refresh_from_db()
    return ImportResult(statement)


def _apply(
    statement: BankStatement, credits: list[Credit], account: str, actor: Any, now: dt.datetime
) -> None:
    # Credits imported before (an overlapping statement), and repeats inside the file.
    seen: set[str] = set()
    for refs in _chunks([c.reference for c in credits]):
        seen.update(
            StatementEntry.objects.filter(account=account, reference__in=refs).values_list(
                "reference", flat=True
            )
        )
    fresh: list[Credit] = []
    for credit in credits:
        if credit.reference in seen:
            statement.already_known += 1
            continue
        seen.add(credit.reference)
        fresh.append(credit)
    communications = sorted({c.structured for c in fresh if c.structured})
    requests: dict[str, PaymentRequest] = {}
    for chunk in _chunks(communications):
        for request in (
            PaymentRequest.objects.select_for_update()
            .filter(structured_communication__in=chunk)
            .order_by("pk")
        ):
            requests[request.structured_communication] = request
    # The statement's account may be held by several payees (a programme's and a chamber's).
    on_account = set(Payee.objects.filter(iban=account).values_list("pk", flat=True))
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    noons: dict[dt.date, dt.datetime] = {}
    entries: list[StatementEntry] = []
    pending: list[StatementEntry] = []
    receipts: list[tuple[StatementEntry, Receipt]] = []
    changed: dict[int, tuple[PaymentRequest, str]] = {}
    for credit in fresh:
        # Ids rather than objects: ten thousand rows are built, and nothing reads them back.
        entry = StatementEntry(
            statement_id=statement.pk,
            payee_id=statement.payee_id,
            account=account,
            reference=credit.reference,
            booked_on=credit.booked_on,
            amount=credit.amount,
            currency=credit.currency,
            debtor_name=credit.debtor_name,
            debtor_iban=credit.debtor_iban,
            communication=credit.communication,
            structured=credit.structured,
            state=EntryState.MATCHED,
        )
        entries.append(entry)
        found = requests.get(credit.structured) if credit.structured else None
        if found is None or credit.currency != "EUR":
            _resolve(
                pending,
                entry,
                ResolveReason.CURRENCY
                if credit.currency != "EUR"
                else ResolveReason.UNKNOWN
                if credit.structured
                else ResolveReason.NO_COMMUNICATION,
                found,
            )
            continue
        request = found
        if request.payee_id not in on_account:
            _resolve(pending, entry, ResolveReason.OTHER_ACCOUNT, request)
        elif credit.amount > request.remainder and request.remainder > 0:
            _resolve(pending, entry, ResolveReason.OVERPAID, request)
        else:
            step = "pay" if credit.amount == request.remainder else "pay_part"
            try:
                advance(request, step)
            except NotNow:
                _resolve(
                    pending,
                    entry,
                    ResolveReason.DUPLICATE if request.paid_amount else ResolveReason.CLOSED,
                    request,
                )
                continue
            request.paid_amount += credit.amount
            if step == "pay":
                if credit.booked_on not in noons:  # a statement has few booking days
                    noons[credit.booked_on] = _noon(credit.booked_on)
                request.paid_at = noons[credit.booked_on]
            entry.request_id = request.pk
            changed[request.pk] = (request, step)
            receipts.append(
                (
                    entry,
                    Receipt(
                        request_id=request.pk,
                        amount=credit.amount,
                        received_on=credit.booked_on,
                        payer_name=credit.debtor_name,
                        payer_iban=credit.debtor_iban,
                        actor_id=actor_id,
                        created_at=now,
                    ),
                )
            )
    _insert(StatementEntry, entries)
    if connection.vendor == "postgresql":  # COPY returns no ids: read them back
        ids = dict(statement.entries.values_list("reference", "pk"))  # type: ignore[attr-defined]
        for entry in entries:
            entry.pk = ids[entry.reference]
    for entry, receipt in receipts:
        receipt.entry_id = entry.pk
    _insert(Receipt, [r for _e, r in receipts])
    _write_matches(list(changed.values()))
    _suggest(pending, account)  # after the matches are written: what they paid is not suggested
    StatementEntry.objects.bulk_update(
        [e for e in pending if e.suggestion_id], ["suggestion"], batch_size=500
    )
    _audit_matches(statement, list(changed.values()), actor, now)
    statement.credits = len(fresh)
    statement.matched = len(receipts)
    statement.to_resolve = len(pending)
    statement.total = sum((c.amount for c in fresh if c.currency == "EUR"), ZERO)


def _insert(model: type[Any], objs: list[Any]) -> None:
    """Insert many new rows: ``COPY`` on PostgreSQL (ten thousand rows in a fraction of a second,
    without compiling an INSERT per batch), ``bulk_create`` elsewhere. Rows are inserted as built:
    the same constraints hold, and nothing is read back (PostgreSQL sets no ``pk`` on ``objs``)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=500)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    # psycopg adapts Python values (Decimal, date, datetime, str, None) itself; JSON is text.
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for obj in objs:
                values = obj.__dict__
                copy.write_row(
                    [
                        json.dumps(values[name]) if name in json_fields else values[name]
                        for name in names
                    ]
                )


def _write_matches(changed: list[tuple[PaymentRequest, str]]) -> None:
    """The new state of the matched requests (locked since they were read, so what they received
    is what they held plus this statement's credits): one ``UPDATE … FROM unnest(…)`` per
    thousands of requests on PostgreSQL, each row written once; ``bulk_update`` elsewhere."""
    rows = [request for request, _step in changed]
    if connection.vendor != "postgresql":
        PaymentRequest.objects.bulk_update(
            rows, ["status", "paid_amount", "paid_at"], batch_size=500
        )
        return
    table = connection.ops.quote_name(PaymentRequest._meta.db_table)
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            cursor.execute(
                f"UPDATE {table} AS r SET status = v.status, paid_amount = v.paid, "  # noqa: S608 - the table name is the model's
                "paid_at = v.paid_at FROM unnest(%s::bigint[], %s::text[], %s::numeric[], "
                "%s::timestamptz[]) AS v(id, status, paid, paid_at) WHERE r.id = v.id",
                [
                    [r.pk for r in chunk],
                    [r.status for r in chunk],
                    [r.paid_amount for r in chunk],
                    [r.paid_at for r in chunk],
                ],
            )


def _audit_matches(
    statement: BankStatement,
    changed: list[tuple[PaymentRequest, str]],
    actor: Any,
    now: dt.datetime,
) -> None:
    """One event per request the statement paid (the SME reads it on its page), written at once."""
    target_type = ContentType.objects.get_for_model(PaymentRequest)
    real = actor if getattr(actor, "is_authenticated", False) else None
    label = str(real) if real else "system"
    paid = message(gettext_lazy("Paid in full (bank statement %(id)s)"), id=statement)
    events = []
    for request, step in changed:
        summary = (
            paid  # the same text for every request paid in full: made once
            if step == "pay"
            else message(
                gettext_lazy("Partly paid (bank statement %(id)s); %(left)s still to pay"),
                id=statement,
                left=request.remainder,
            )
        )
        events.append(
            AuditEvent(
                occurred_at=now,
                actor_id=real.pk if real else None,
                actor_label=label,
                action="funding.paid" if step == "pay" else "funding.partly_paid",
                target_type_id=target_type.pk,
                target_id=str(request.pk),
                company_id=request.company_id,
                summary=str(summary)[:300],
                data=summary_data(
                    summary, {"statement": statement.pk, "paid_amount": str(request.paid_amount)}
                ),
            )
        )
    _insert(AuditEvent, events)


def request_named_by(user: Any, communication: str) -> PaymentRequest:
    """The payment request a structured communication names, among those ``user`` may see."""
    digits = "".join(ch for ch in communication if ch.isdigit())
    if len(digits) != 12 or not ogm_vcs.is_valid(digits):
        raise ValidationError({"communication": _("This is not a valid structured communication.")})
    found = visible(user, PaymentRequest).filter(structured_communication=digits).first()
    if found is None:
        raise ValidationError(
            {"communication": _("No payment request you can see has this communication.")}
        )
    return found


def resolve_entry(
    *, actor: Any, entry: StatementEntry, request: PaymentRequest, note: str = ""
) -> PaymentRequest:
    """A credit from the "to resolve" list is the payment of ``request`` after all."""
    if entry.currency != "EUR":
        raise ValidationError(
            _("A credit in %(ccy)s cannot pay a request in euro; dismiss it and refund it.")
            % {"ccy": entry.currency}
        )
    return record_receipt(actor=actor, request=request, amount=entry.amount, note=note, entry=entry)


def dismiss_entry(*, actor: Any, entry: StatementEntry, note: str) -> StatementEntry:
    """A credit that pays no request (another income, to be paid back): off the list, with why."""
    if not note.strip():
        raise ValidationError({"note": _("Say what this credit is.")})

    def work(e: StatementEntry) -> None:
        e.note = note[:300]
        e.resolved_by = actor if getattr(actor, "pk", None) else None
        e.resolved_at = timezone.now()

    locked, _r = fire(
        entry,
        "dismiss",
        actor=actor,
        reason=note,
        work=work,
        summary=lambda e, _x: message(
            gettext_lazy("Credit of %(amount)s %(ccy)s from %(name)s set aside"),
            amount=str(e.amount),  # in its own currency, as on the statement
            ccy=e.currency,
            name=e.debtor_name or "—",
        ),
    )
    return locked  # type: ignore[no-any-return]


def outstanding(qs: QuerySet[PaymentRequest]) -> QuerySet[PaymentRequest]:
    return qs.filter(status__in=OUTSTANDING)
