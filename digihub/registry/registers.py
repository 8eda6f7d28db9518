"""Import of a hub's existing registers from XLSX or CSV: questions, conversations, trajectories
with their phase dates and signed quote, and payments.

A register is read with a column mapping (which column holds which field; remembered per hub and
kind), then every row is checked and applied inside one transaction. A dry run applies it all and
rolls back, so the preview says exactly what would be created, changed or refused (each row's
error in the user's language). Confirming applies the good rows in one transaction and skips the
refused ones. Each row's natural key (the register's own reference) is remembered with a
fingerprint of its values: importing the same file again changes nothing.

History is written as if the steps had happened on the imported dates: the question's status
changes (``QuestionTransition``) and the trajectory's phase periods (``record_phase``, the one
writer of phase history), so the phase-on-any-date report counts imported trajectories like
live ones. Money goes through the funding engine: a signed quote commits its amount on the hub's
budget on the signing date (ledger entries and the SME's payment request), a completion declares
the final costs and releases the rest, a stop releases what was committed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digihub.audit.services import record_event
from digihub.core.dates import validate_plausible_date
from digihub.core.notifications import message

from .models import ImportedRecord, RegisterMapping


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Any
    required: bool = False
    kind: str = "text"  # text, date, money, email, number


KINDS: dict[str, tuple[Any, tuple[FieldSpec, ...]]] = {
    "questions": (
        gettext_lazy("Questions"),
        (
            FieldSpec("reference", gettext_lazy("Reference in your register"), True),
            FieldSpec("enterprise_number", gettext_lazy("Enterprise number"), True, "number"),
            FieldSpec("company_name", gettext_lazy("Company name"), True),
            FieldSpec("postcode", gettext_lazy("Postcode"), True),
            FieldSpec("city", gettext_lazy("Municipality"), True),
            FieldSpec("street", gettext_lazy("Street and number")),
            FieldSpec("registered_on", gettext_lazy("Registered on"), True, "date"),
            FieldSpec("text", gettext_lazy("The question"), True),
            FieldSpec("contact_first_name", gettext_lazy("Contact's first name")),
            FieldSpec("contact_last_name", gettext_lazy("Contact's last name")),
            FieldSpec("contact_email", gettext_lazy("Contact's e-mail"), kind="email"),
            FieldSpec("advisor_email", gettext_lazy("Advisor's e-mail"), kind="email"),
            FieldSpec("decided_on", gettext_lazy("Decided on"), kind="date"),
            FieldSpec("decision", gettext_lazy("Decision (trajectory, no_trajectory, info_only)")),
            FieldSpec("route", gettext_lazy("Route when no trajectory")),
            FieldSpec("decision_reason", gettext_lazy("Reason for the decision")),
        ),
    ),
    "conversations": (
        gettext_lazy("Conversations"),
        (
            FieldSpec("question_reference", gettext_lazy("Question's reference"), True),
            FieldSpec("held_on", gettext_lazy("Date"), True, "date"),
            FieldSpec("kind", gettext_lazy("Kind (exploratory, follow_up)")),
            FieldSpec("participants", gettext_lazy("Who took part"), True),
            FieldSpec("current_situation", gettext_lazy("Current situation")),
            FieldSpec("desired_situation", gettext_lazy("Desired future situation")),
            FieldSpec("concrete_questions", gettext_lazy("Concrete questions")),
            FieldSpec("notes", gettext_lazy("Notes")),
        ),
    ),
    "trajectories": (
        gettext_lazy("Trajectories with their quote"),
        (
            FieldSpec("reference", gettext_lazy("Reference in your register"), True),
            FieldSpec("question_reference", gettext_lazy("Question's reference")),
            FieldSpec("enterprise_number", gettext_lazy("Enterprise number"), True, "number"),
            FieldSpec("partner", gettext_lazy("Knowledge partner (short name)"), True),
            FieldSpec("advisor_email", gettext_lazy("Advisor's e-mail"), True, "email"),
            FieldSpec("started_on", gettext_lazy("Started on"), True, "date"),
            FieldSpec("quote_on", gettext_lazy("Quote phase since"), kind="date"),
            FieldSpec("signed_on", gettext_lazy("Quote signed on"), kind="date"),
            FieldSpec("quote_total", gettext_lazy("Quote amount excl. VAT"), kind="money"),
            FieldSpec("completed_on", gettext_lazy("Completed on"), kind="date"),
            FieldSpec("final_cost", gettext_lazy("Final costs"), kind="money"),
            FieldSpec("stopped_on", gettext_lazy("Stopped on"), kind="date"),
            FieldSpec("stop_reason", gettext_lazy("Reason for stopping")),
        ),
    ),
    "payments": (
        gettext_lazy("Payments of the SME's share"),
        (
            FieldSpec("trajectory_reference", gettext_lazy("Trajectory's reference"), True),
            FieldSpec("amount", gettext_lazy("Amount paid"), True, "money"),
            FieldSpec("paid_on", gettext_lazy("Paid on"), True, "date"),
        ),
    ),
}


class RegisterError(Exception):
    pass


# Reading -------------------------------------------------------------------------------------
def read_table(name: str, data: bytes) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the first sheet of an XLSX, or of a CSV (comma or semicolon)."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise RegisterError(_("This file cannot be read as an Excel workbook.")) from exc
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        try:
            dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise RegisterError(_("The file holds no rows."))
    header = [str(c or "").strip() for c in rows[0]]
    return header, rows[1:]


def suggest_mapping(
    kind: str, header: list[str], saved: dict[str, str] | None = None
) -> dict[str, str]:
    """Column per field: the saved mapping where its columns still exist, else the column named
    like the field or its label."""
    mapping: dict[str, str] = {}
    lowered = {h.lower(): h for h in header}
    for spec in KINDS[kind][1]:
        if saved and saved.get(spec.name) in header:
            mapping[spec.name] = saved[spec.name]
        elif spec.name in lowered:
            mapping[spec.name] = lowered[spec.name]
        elif str(spec.label).lower() in lowered:
            mapping[spec.name] = lowered[str(spec.label).lower()]
    return mapping


def saved_mapping(hub: Any, kind: str) -> dict[str, str]:
    found = RegisterMapping.objects.filter(hub=hub, kind=kind).first()
    return dict(found.columns) if found else {}


def _parse(spec: FieldSpec, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
    if value in (None, ""):
        if spec.required:
            raise ValidationError(_("%(field)s is missing.") % {"field": spec.label})
        return None
    if spec.kind == "date":
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        else:
            for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
                try:
                    day = dt.datetime.strptime(str(value), pattern).date()
                    break
                except ValueError:
                    continue
            else:
                raise ValidationError(
                    _("%(field)s: %(value)s is not a date (day/month/year).")
                    % {"field": spec.label, "value": value}
                )
        try:
            validate_plausible_date(day)
        except ValidationError as exc:
            raise ValidationError(f"{spec.label}: {exc.messages[0]}") from None
        if day > timezone.localdate():
            raise ValidationError(_("%(field)s lies in the future.") % {"field": spec.label})
        return day
    if spec.kind == "money":
        from digihub.core.money import MAX_AMOUNT, cents

        text = str(value).replace("€", "").replace(" ", "").replace("\u00a0", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            amount = cents(Decimal(text))
        except (InvalidOperation, ValueError):
            raise ValidationError(
                _("%(field)s: %(value)s is not an amount.") % {"field": spec.label, "value": value}
            ) from None
        if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
            raise ValidationError(
                _("%(field)s: %(value)s is not an amount.") % {"field": spec.label, "value": value}
            )
        return amount
    text = str(value)
    if spec.kind == "number" and isinstance(value, int | float):
        text = f"{int(value):010d}"
    if spec.kind == "email":
        text = text.lower()
    return text


# Outcome -------------------------------------------------------------------------------------
@dataclass
class RowResult:
    line: int  # the row's line in the file (the header is line 1)
    key: str
    action: str  # create, change, same, error
    summary: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    kind: str
    rows: list[RowResult]
    applied: bool

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "change", "same", "error")}


def run_import(
    *,
    actor: Any,
    hub: Any,
    kind: str,
    header: list[str],
    rows: list[list[Any]],
    mapping: dict[str, str],
    dry_run: bool,
) -> Outcome:
    """Check every row and apply it; a dry run rolls everything back. See the module text."""
    if kind not in KINDS:
        raise RegisterError(_("Unknown kind of register."))
    from .policies import can_exchange

    decision = can_exchange(actor, hub)
    if not decision:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(decision.reason)
    specs = KINDS[kind][1]
    missing = [str(s.label) for s in specs if s.required and not mapping.get(s.name)]
    if missing:
        raise RegisterError(_("Choose the column of: %(fields)s.") % {"fields": ", ".join(missing)})
    position = {name: header.index(col) for name, col in mapping.items() if col in header}
    results: list[RowResult] = []
    apply = APPLY[kind]
    with transaction.atomic():
        for line, raw in enumerate(rows, start=2):
            values: dict[str, Any] = {}
            errors: list[str] = []
            for spec in specs:
                index = position.get(spec.name)
                cell = raw[index] if index is not None and index < len(raw) else None
                try:
                    values[spec.name] = _parse(spec, cell)
                except ValidationError as exc:
                    errors.extend(exc.messages)
            key = str(values.get("reference") or values.get("question_reference") or "")
            if kind == "conversations":
                key = f"{values.get('question_reference')}|{values.get('held_on')}|{values.get('kind') or 'exploratory'}"
            if kind == "payments":
                key = str(values.get("trajectory_reference") or "")
            if errors:
                results.append(RowResult(line, key, "error", errors=errors))
                continue
            fingerprint = hashlib.sha256(
                json.dumps(values, sort_keys=True, default=str).encode()
            ).hexdigest()
            known = ImportedRecord.objects.filter(hub=hub, kind=kind, key=key).first()
            if known is not None and known.fingerprint == fingerprint:
                results.append(RowResult(line, key, "same", _("Imported before; nothing changes.")))
                continue
            try:
                with transaction.atomic():
                    obj, summary = apply(actor, hub, values, known)
                    if known is None:
                        ImportedRecord.objects.create(
                            hub=hub, kind=kind, key=key, object_id=obj.pk, fingerprint=fingerprint
                        )
                    else:
                        known.fingerprint, known.imported_at = fingerprint, timezone.now()
                        known.save(update_fields=["fingerprint", "imported_at"])
            except ValidationError as exc:
                results.append(RowResult(line, key, "error", errors=list(exc.messages)))
                continue
            results.append(RowResult(line, key, "change" if known else "create", summary))
        outcome = Outcome(kind, results, applied=not dry_run)
        if dry_run:
            transaction.set_rollback(True)
        else:
            RegisterMapping.objects.update_or_create(
                hub=hub, kind=kind, defaults={"columns": mapping, "updated_by": actor}
            )
            record_event(
                actor=actor,
                action="registry.register_imported",
                target=hub,
                summary=message(
                    gettext_lazy(
                        "Register imported (%(kind)s): %(created)s created, %(changed)s changed, %(refused)s refused"
                    ),
                    kind=KINDS[kind][0],
                    created=outcome.count("create"),
                    changed=outcome.count("change"),
                    refused=outcome.count("error"),
                ),
            )
    return outcome


# Applying one row ----------------------------------------------------------------------------
def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _advisor(hub: Any, email: str | None, required: bool = False) -> Any:
    from digihub.accounts.models import User
    from digihub.accounts.roles import Role

    if not email:
        if required:
            raise ValidationError(_("Give the advisor's e-mail address."))
        return None
    user = User.objects.filter(
        email__iexact=email, role=Role.ADVISOR, chamber_id=hub.chamber_id
    ).first()
    if user is None:
        raise ValidationError(
            _("No advisor of %(chamber)s has the address %(email)s.")
            % {"chamber": hub.chamber, "email": email}
        )
    return user


def _object(kind: str, hub: Any, key: str, model: Any) -> Any:
    record = ImportedRecord.objects.filter(hub=hub, kind=kind, key=key).first()
    if record is None:
        return None
    return model.objects.filter(pk=record.object_id).first()


def _company(actor: Any, hub: Any, v: dict[str, Any]) -> Any:
    from digihub.companies.services import company_create, find_by_enterprise_number

    company = find_by_enterprise_number(v["enterprise_number"])
    if company is None:
        company = company_create(
            actor=None,
            data={
                "enterprise_number": v["enterprise_number"],
                "name": v["company_name"],
                "postcode": v["postcode"],
                "city": v["city"],
                "street": v.get("street") or "",
            },
            reason=_("imported from the hub's register"),
        )
    if company.hub_id != hub.pk:
        raise ValidationError(
            _("%(company)s lies in the region of another hub (%(hub)s).")
            % {"company": company, "hub": company.hub or "—"}
        )
    return company


def _apply_question(actor: Any, hub: Any, v: dict[str, Any], known: Any) -> tuple[Any, str]:
    from digihub.companies.models import Contact
    from digihub.intake.models import Channel, Decision, Question, QuestionTransition, Route, Status

    if known is not None:
        question = Question.objects.get(pk=known.object_id)
        question.text = v["text"]
        question.save(update_fields=["text"])
        return question, _("Question %(ref)s: text changed") % {"ref": question.reference}
    company = _company(actor, hub, v)
    advisor = _advisor(hub, v.get("advisor_email"))
    decision = (v.get("decision") or "").strip()
    route = (v.get("route") or "").strip()
    if decision and decision not in Decision.values:
        raise ValidationError(
            _("Decision %(value)s is not one of: %(choices)s.")
            % {"value": decision, "choices": ", ".join(Decision.values)}
        )
    if route and (decision != Decision.NO_TRAJECTORY or route not in Route.values):
        raise ValidationError(
            _("A route (one of: %(choices)s) is only given with the decision no_trajectory.")
            % {"choices": ", ".join(Route.values)}
        )
    if decision == Decision.NO_TRAJECTORY and not route:
        raise ValidationError(_("Give the route taken when no trajectory starts."))
    if bool(decision) != bool(v.get("decided_on")):
        raise ValidationError(_("A decision needs its date, and a decision date its decision."))
    registered = _noon(v["registered_on"])
    decided = _noon(v["decided_on"]) if v.get("decided_on") else None
    if decided and decided < registered:
        raise ValidationError(_("The decision lies before the registration."))
    contact = None
    if v.get("contact_last_name") or v.get("contact_email"):
        contact = Contact.objects.create(
            company=company,
            first_name=(v.get("contact_first_name") or "")[:100],
            last_name=(v.get("contact_last_name") or "")[:100],
            email=v.get("contact_email") or "",
        )
    question = Question.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        company=company,
        chamber=company.chamber,
        hub=hub,
        contact=contact,
        channel=Channel.ADVISOR,
        channel_detail=_("imported register")[:100],
        text=v["text"],
        consent_at=registered,
        registered_at=registered,
        last_activity_at=decided or registered,
        advisor=advisor,
        status=Status.DECIDED if decision else (Status.IN_PROGRESS if advisor else Status.NEW),
        decision=decision,
        route=route,
        decision_reason=v.get("decision_reason") or "",
        decided_at=decided,
        decided_by=advisor if decision else None,
    )
    question.reference = f"DH-{registered.year}-{question.pk:05d}"
    question.save(update_fields=["reference"])
    # The status history as if the steps had happened on these dates.
    if advisor or decision:
        QuestionTransition.objects.create(
            question=question,
            from_status=Status.NEW,
            to_status=Status.IN_PROGRESS,
            actor=advisor,
            at=registered,
            reason=_("imported register"),
        )
    if decision:
        QuestionTransition.objects.create(
            question=question,
            from_status=Status.IN_PROGRESS,
            to_status=Status.DECIDED,
            actor=advisor,
            at=decided or registered,
            reason=v.get("decision_reason") or _("imported register"),
            decision=decision,
            route=route,
        )
    record_event(
        actor=actor,
        action="question.imported",
        target=question,
        company=company,
        summary=message(
            gettext_lazy("Question %(ref)s imported from the hub's register"),
            ref=question.reference,
        ),
    )
    return question, _("Question %(ref)s for %(company)s") % {
        "ref": question.reference,
        "company": company,
    }


def _apply_conversation(actor: Any, hub: Any, v: dict[str, Any], known: Any) -> tuple[Any, str]:
    from digihub.intake.models import ContactKind, Conversation, Question

    kind = v.get("kind") or ContactKind.EXPLORATORY
    if kind not in ContactKind.values:
        raise ValidationError(
            _("Kind %(value)s is not one of: %(choices)s.")
            % {"value": kind, "choices": ", ".join(ContactKind.values)}
        )
    question = _object("questions", hub, v["question_reference"], Question)
    if question is None:
        raise ValidationError(
            _("No imported question has the reference %(ref)s; import the questions first.")
            % {"ref": v["question_reference"]}
        )
    if v["held_on"] < question.registered_at.date():
        raise ValidationError(_("The conversation lies before the question's registration."))
    texts = {
        name: v.get(name) or ""
        for name in ("current_situation", "desired_situation", "concrete_questions", "notes")
    }
    if known is not None:
        conversation = Conversation.objects.get(pk=known.object_id)
        Conversation.objects.filter(pk=conversation.pk).update(
            participants=v["participants"][:300], **texts
        )
        return conversation, _("Conversation of %(day)s changed") % {"day": v["held_on"]}
    conversation = Conversation.objects.create(
        question=question,
        kind=kind,
        held_on=v["held_on"],
        participants=v["participants"][:300],
        created_by=actor,
        **texts,
    )
    if kind == ContactKind.EXPLORATORY and (
        question.first_conversation_on is None or v["held_on"] < question.first_conversation_on
    ):
        question.first_conversation_on = v["held_on"]
        question.save(update_fields=["first_conversation_on"])
    return conversation, _("Conversation of %(day)s for %(ref)s") % {
        "day": v["held_on"],
        "ref": question.reference,
    }


def _apply_trajectory(actor: Any, hub: Any, v: dict[str, Any], known: Any) -> tuple[Any, str]:
    from digihub.companies.services import find_by_enterprise_number
    from digihub.funding.services import commit_quote, declare_expenditure, release_commitment
    from digihub.intake.models import Question
    from digihub.network.models import KnowledgePartner
    from digihub.trajectories.models import Phase, Quote, QuoteLine, QuoteStatus, Trajectory
    from digihub.trajectories.services import record_phase

    if known is not None:
        raise ValidationError(
            _("This trajectory was imported before with other values; change it in the platform.")
        )
    company = find_by_enterprise_number(v["enterprise_number"])
    if company is None:
        raise ValidationError(
            _("No company has the enterprise number %(number)s; import its question first.")
            % {"number": v["enterprise_number"]}
        )
    partner = KnowledgePartner.objects.filter(short_name__iexact=v["partner"]).first()
    if partner is None:
        raise ValidationError(
            _("No knowledge partner is called %(name)s.") % {"name": v["partner"]}
        )
    advisor = _advisor(hub, v["advisor_email"], required=True)
    question = None
    if v.get("question_reference"):
        question = _object("questions", hub, v["question_reference"], Question)
        if question is None:
            raise ValidationError(
                _("No imported question has the reference %(ref)s.")
                % {"ref": v["question_reference"]}
            )
    steps: list[tuple[str, dt.date]] = [(str(Phase.STARTUP), v["started_on"])]
    for next_phase, name in (
        (Phase.QUOTE, "quote_on"),
        (Phase.EXECUTION, "signed_on"),
        (Phase.COMPLETED, "completed_on"),
        (Phase.STOPPED, "stopped_on"),
    ):
        if v.get(name):
            steps.append((str(next_phase), v[name]))
    days = [d for _p, d in steps]
    if days != sorted(days):
        raise ValidationError(_("The phase dates are not in order (start, quote, signature, end)."))
    if v.get("completed_on") and v.get("stopped_on"):
        raise ValidationError(_("A trajectory is either completed or stopped, not both."))
    if v.get("completed_on") and not v.get("signed_on"):
        raise ValidationError(_("A completed trajectory has a signed quote: give its date."))
    if v.get("signed_on") and not v.get("quote_total"):
        raise ValidationError(_("Give the amount of the signed quote."))
    if v.get("stopped_on") and not (v.get("stop_reason") or "").strip():
        raise ValidationError(_("Record why the trajectory stopped."))
    started = _noon(v["started_on"])
    t = Trajectory.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        company=company,
        hub=hub,
        chamber=hub.chamber,
        advisor=advisor,
        partner=partner,
        question=question,
        started_at=started,
        phase_changed_at=started,
    )
    t.reference = f"TR-{started.year}-{t.pk:05d}"
    reason = _("imported register")
    quote = None
    for phase, day in steps:
        at = _noon(day)
        record_phase(t, phase, advisor, reason, at)
        t.phase = Phase(phase)
        if phase == Phase.EXECUTION:
            total = v["quote_total"]
            quote = Quote.objects.create(
                trajectory=t,
                number=1,
                scope=_("Quote from the hub's register"),
                valid_until=day,
                total=total,
                status=QuoteStatus.SIGNED,
                created_by=actor,
                issued_at=at,
                signed_at=at,
                signed_by_name=_("imported register"),
            )
            QuoteLine.objects.create(
                quote=quote,
                description=_("as in the register")[:300],
                days=1,
                day_rate=total,
                amount=total,
            )
            commit_quote(
                actor=actor,
                hub=hub,
                company=company,
                amount=total,
                document=quote,
                reason=_("Quote %(ref)s signed (imported)") % {"ref": t.reference},
                on=day,
            )
            t.quote_signed_at = at
        elif phase == Phase.COMPLETED:
            assert quote is not None
            cost = v.get("final_cost") or quote.total
            # Booked on the register's day, so the ledger and reports date them as they happened.
            declare_expenditure(
                actor=actor,
                document=quote,
                amount=cost,
                reason=_("final costs (imported)"),
                on=day,
            )
            release_commitment(
                actor=actor, document=quote, reason=_("unused at completion"), on=day
            )
            t.completed_at = at
        elif phase == Phase.STOPPED:
            if quote is not None:
                release_commitment(
                    actor=actor, document=quote, reason=_("trajectory stopped"), on=day
                )
            t.stopped_at, t.stop_reason = at, v["stop_reason"]
    t.save()
    record_event(
        actor=actor,
        action="trajectory.imported",
        target=t,
        company=company,
        summary=message(
            gettext_lazy("Trajectory %(ref)s imported from the hub's register"), ref=t.reference
        ),
    )
    return t, _("Trajectory %(ref)s with %(partner)s, now %(phase)s") % {
        "ref": t.reference,
        "partner": partner,
        "phase": t.get_phase_display().lower(),
    }


def _apply_payment(actor: Any, hub: Any, v: dict[str, Any], known: Any) -> tuple[Any, str]:
    from django.contrib.contenttypes.models import ContentType

    from digihub.funding.models import PaymentRequest, PaymentStatus
    from digihub.funding.payments import record_receipt
    from digihub.trajectories.models import Quote, QuoteStatus, Trajectory

    if known is not None:
        raise ValidationError(
            _("This payment was imported before with other values; change it in the platform.")
        )
    t = _object("trajectories", hub, v["trajectory_reference"], Trajectory)
    if t is None:
        raise ValidationError(
            _("No imported trajectory has the reference %(ref)s.")
            % {"ref": v["trajectory_reference"]}
        )
    quote = Quote.objects.filter(trajectory=t, status=QuoteStatus.SIGNED).first()
    request = (
        PaymentRequest.objects.filter(
            document_type=ContentType.objects.get_for_model(Quote), document_id=str(quote.pk)
        ).first()
        if quote
        else None
    )
    if request is None:
        raise ValidationError(
            _("Trajectory %(ref)s has no payment to receive.") % {"ref": t.reference}
        )
    if request.status != PaymentStatus.OPEN:
        raise ValidationError(
            _("The payment of %(ref)s is already recorded.") % {"ref": t.reference}
        )
    if v["amount"] != request.amount:
        raise ValidationError(
            _("%(ref)s: the SME's share is %(due)s, the register says %(paid)s.")
            % {"ref": t.reference, "due": request.amount, "paid": v["amount"]}
        )
    if quote and quote.signed_at and v["paid_on"] < quote.signed_at.date():
        raise ValidationError(_("The payment lies before the quote's signature."))
    # Received on the register's day: the receipt is what the reports count as received.
    request = record_receipt(
        actor=actor,
        request=request,
        amount=request.remainder or request.amount,
        received_on=v["paid_on"],
    )
    return request, _("Payment of %(amount)s for %(ref)s") % {
        "amount": v["amount"],
        "ref": t.reference,
    }


APPLY: dict[str, Callable[[Any, Any, dict[str, Any], Any], tuple[Any, str]]] = {
    "questions": _apply_question,
    "conversations": _apply_conversation,
    "trajectories": _apply_trajectory,
    "payments": _apply_payment,
}
