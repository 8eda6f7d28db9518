"""Intake: registering questions and the advisor's work on them, up to the decision.

Every function takes the acting user, checks the rule for it, locks the question, fires its
state transition, records the change (who, when, why) and sends e-mails after the commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digihub.accounts.models import User
from digihub.accounts.roles import Role
from digihub.companies.models import Contact
from digihub.companies.services import (
    company_for_question,
    find_by_enterprise_number,
    representatives,
)
from digihub.companies.sme import SizeClass
from digihub.core.notifications import Email, dispatch, message
from digihub.core.uploads import check_upload
from digihub.core.workflow import NotAllowed, fire
from digihub.network.models import ServiceType

from .models import (
    Attachment,
    Channel,
    ContactKind,
    Conversation,
    Decision,
    Question,
    Route,
    Shared,
    Validation,
)
from .policies import can_register


@dataclass
class Registration:
    """What is needed to register a question, from any channel."""

    enterprise_number: str
    company_name: str
    postcode: str
    city: str
    first_name: str
    last_name: str
    email: str
    text: str
    street: str = ""
    employees: int | None = None
    turnover: Any = None
    phone: str = ""
    function: str = ""
    themes: Any = ()
    consent: bool = False
    channel: str = Channel.PUBLIC_FORM
    channel_detail: str = ""
    token: str | None = None

    @classmethod
    def from_data(
        cls, data: Mapping[str, Any], *, channel: str, token: str | None = None
    ) -> Registration:
        """From a form's cleaned data or an API payload: the one place both are read."""
        return cls(
            enterprise_number=data["enterprise_number"],
            company_name=data["company_name"],
            postcode=data["postcode"],
            city=data["city"],
            street=data.get("street") or "",
            employees=data.get("employees"),
            turnover=data.get("turnover"),
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=str(data["email"]),
            phone=data.get("phone") or "",
            function=data.get("function") or "",
            text=data["text"],
            themes=data.get("themes") or (),
            consent=bool(data.get("consent")),
            channel=channel,
            channel_detail=data.get("channel_detail") or "",
            token=token,
        )


def _advisor_emails(question: Question) -> list[str]:
    if question.advisor_id:
        return [question.advisor.email]  # type: ignore[union-attr]
    return list(
        User.objects.filter(
            role=Role.ADVISOR, chamber=question.chamber_id, is_active=True
        ).values_list("email", flat=True)
    )


def _sme_email(question: Question) -> list[str]:
    return [question.contact.email] if question.contact and question.contact.email else []


def _your_advisor_email(question: Question, advisor: Any) -> Email:
    """Tells the SME who its single point of contact is (on taking and on handing over)."""
    return Email(
        _sme_email(question),
        gettext_lazy("Your advisor for question %(ref)s") % {"ref": question.reference},
        "intake/email/taken.txt",
        {"advisor": advisor},
    )


def _partner_emails(partner: Any) -> list[str]:
    if partner is None:
        return []
    return list(
        User.objects.filter(role=Role.PARTNER, partner=partner, is_active=True).values_list(
            "email", flat=True
        )
    )


def _officer_emails() -> list[str]:
    return list(
        User.objects.filter(role=Role.OFFICER, is_active=True).values_list("email", flat=True)
    )


@transaction.atomic
def register_question(
    *, actor: Any, data: Registration, passed_on_by: Any = None
) -> tuple[Question, bool]:
    """Register a question. Returns (question, created); a repeated submission token returns the first.

    Anyone may ask through the public form; registering for an SME (advisors) or passing a
    question on (knowledge partners) is checked here, for pages and API alike."""
    if data.channel != Channel.PUBLIC_FORM and actor is not None:  # None: the platform itself
        decision = can_register(actor)
        if not decision:
            raise NotAllowed(decision.reason)
    if data.token:
        existing = Question.objects.filter(submission_token=data.token).first()
        if existing is not None:
            return existing, False
    errors: dict[str, list[str]] = {}
    if not data.consent:
        errors["consent"] = [
            _("We can only handle your question when you agree to the processing of your data.")
            if data.channel == Channel.PUBLIC_FORM
            else _("Register the question only when the contact agreed to it.")
        ]
    if not (data.text or "").strip():
        errors["text"] = [_("Describe your question in a few sentences.")]
    if errors:
        raise ValidationError(errors)
    company = find_by_enterprise_number(data.enterprise_number)
    company_is_new = company is None
    if company is None:
        try:
            with transaction.atomic():
                company = company_for_question(
                    actor=actor,
                    data={
                        "enterprise_number": data.enterprise_number,
                        "name": data.company_name,
                        "postcode": data.postcode,
                        "city": data.city,
                        "street": data.street,
                        "employees": data.employees,
                        "turnover": data.turnover,
                    },
                )
        except IntegrityError:  # registered at the same moment by another request
            company = find_by_enterprise_number(data.enterprise_number)
            if company is None:
                raise
            company_is_new = False
    contact = _contact_for(actor, company, data)
    now = timezone.now()
    if data.consent and not contact.consent_at:
        contact.consent_at = now
        contact.save(update_fields=["consent_at"])
    question = Question(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",  # replaced by DH-<year>-<id> below
        company=company,
        chamber=company.chamber,
        hub=company.hub,
        contact=contact,
        channel=data.channel,
        channel_detail=data.channel_detail[:100],
        text=data.text.strip(),
        consent_at=now if data.consent else None,
        passed_on_by=passed_on_by,
        company_is_new=company_is_new,
        outside_target_group=company.size_class == SizeClass.LARGE,
        submission_token=data.token or None,
        registered_at=now,
        last_activity_at=now,
    )
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError:  # the same form token was submitted twice at the same moment
        return Question.objects.get(submission_token=data.token), False
    question.reference = f"DH-{now.year}-{question.pk:05d}"
    question.save(update_fields=["reference"])
    if data.themes:
        question.themes.set(data.themes)
    dispatch(
        actor=actor,
        action="question.registered",
        target=question,
        company=company,
        summary=message(
            gettext_lazy("Question %(ref)s registered (%(channel)s)"),
            ref=question.reference,
            channel=question.get_channel_display(),
        ),
        emails=[
            Email(
                _sme_email(question),
                gettext_lazy("Your question to Digihub: %(ref)s") % {"ref": question.reference},
                "intake/email/registered.txt",
            ),
            Email(
                _advisor_emails(question),
                gettext_lazy("New question %(ref)s for your chamber") % {"ref": question.reference},
                "intake/email/new_for_chamber.txt",
            ),
            Email(
                _partner_emails(passed_on_by),
                gettext_lazy("Question %(ref)s passed on to the chamber")
                % {"ref": question.reference},
                "intake/email/passed_on.txt",
            ),
            *_tell_representatives(question, company_is_new),
        ],
    )
    return question, True


def _contact_for(actor: Any, company: Any, data: Registration) -> Contact:
    """The person to call back about this question.

    Only the company's own chamber (or a user the company confirmed, about itself) may attach
    a question to a contact already on file; anyone else gets a new contact holding exactly what
    they typed, which is never an identity (``companies.services.confirm_representative``)."""
    trusted = getattr(actor, "is_authenticated", False) and (
        actor.is_coordinator
        or (actor.role == Role.ADVISOR and actor.chamber_id == company.chamber_id)
        or (actor.role == Role.SME and actor.company_id == company.pk)
    )
    if trusted and data.email:
        existing = Contact.objects.filter(
            company=company, email__iexact=data.email, erased_at__isnull=True
        ).first()
        if existing is not None:
            return existing
    contact = Contact(
        company=company,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email,
        phone=data.phone,
        function=data.function,
    )
    contact.full_clean()
    contact.save()
    return contact


def _tell_representatives(question: Question, company_is_new: bool) -> list[Email]:
    """Someone who is not one of the company's confirmed people asked in its name: they learn
    it, and that this gives the person no access to the company's data."""
    if company_is_new:
        return []
    known = representatives(question.company)
    typed = (question.contact.email if question.contact else "").lower()
    if not known or typed in {address.lower() for address in known}:
        return []
    return [
        Email(
            known,
            gettext_lazy("A question in the name of %(company)s") % {"company": question.company},
            "intake/email/asked_in_your_name.txt",
            {"question": question},
        )
    ]


def take_question(*, actor: Any, question: Question) -> Question:
    def work(q: Question) -> None:
        q.advisor = actor

    q, _r = fire(
        question,
        "take",
        actor=actor,
        reason=_("taken as single point of contact"),
        work=work,
        summary=message(gettext_lazy("%(name)s is the single point of contact"), name=actor),
        emails=lambda q, _r: [_your_advisor_email(q, actor)],
    )
    return q


def advisors_for_handover(question: Question) -> Any:
    """The colleagues a question can be handed to: active advisors of its chamber."""
    colleagues = User.objects.filter(role=Role.ADVISOR, chamber=question.chamber, is_active=True)
    return colleagues.exclude(pk=question.advisor.pk if question.advisor else 0).order_by(
        "first_name", "last_name", "pk"
    )


def hand_over_question(*, actor: Any, question: Question, to: Any, reason: str) -> Question:
    """Make a colleague of the same chamber the single point of contact (leave, workload).

    An open trajectory started from the question moves along (the trajectories context acts on
    this step), so the SME keeps one advisor."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the question is handed over.")})
    previous = question.advisor

    def work(q: Question) -> None:
        if not advisors_for_handover(q).filter(pk=getattr(to, "pk", None)).exists():
            raise ValidationError(
                {
                    "advisor": _(
                        "Choose an active advisor of the question's chamber, not the current one."
                    )
                }
            )
        q.advisor = to
        q.last_activity_at = timezone.now()

    def emails(q: Question, _result: Any) -> list[Email]:
        return [
            Email(
                [to.email],
                gettext_lazy("Question %(ref)s handed over to you") % {"ref": q.reference},
                "intake/email/handed_over.txt",
                {"previous": previous, "reason": reason},
            ),
            _your_advisor_email(q, to),
        ]

    q, _r = fire(
        question,
        "hand_over",
        actor=actor,
        reason=reason,
        work=work,
        summary=message(gettext_lazy("Handed over from %(old)s to %(new)s"), old=previous, new=to),
        emails=emails,
    )
    return q


def record_conversation(
    *,
    actor: Any,
    question: Question,
    held_on: dt.date,
    participants: str,
    kind: str = ContactKind.EXPLORATORY,
    current_situation: str = "",
    desired_situation: str = "",
    concrete_questions: str = "",
    notes: str = "",
    attachments: list[UploadedFile] | None = None,
) -> Conversation:
    if held_on > timezone.localdate():
        raise ValidationError(
            {
                "held_on": _(
                    "A conversation cannot take place in the future; plan it in your calendar instead."
                )
            }
        )
    if not participants.strip():
        raise ValidationError({"participants": _("Say who took part.")})
    checked = [(upload, check_upload(upload)) for upload in attachments or []]

    def work(q: Question) -> Conversation:
        conversation = Conversation.objects.create(
            question=q,
            kind=kind,
            held_on=held_on,
            participants=participants,
            current_situation=current_situation,
            desired_situation=desired_situation,
            concrete_questions=concrete_questions,
            notes=notes,
            created_by=actor,
        )
        for upload, info in checked:
            Attachment.objects.create(
                question=q,
                file=upload,
                name=(upload.name or "file")[:200],
                content_type=info.content_type,
                size=info.size,
                uploaded_by=actor,
            )
        if kind == ContactKind.EXPLORATORY and (
            q.first_conversation_on is None or held_on < q.first_conversation_on
        ):
            q.first_conversation_on = held_on
        q.advisor = q.advisor or actor
        q.last_activity_at = timezone.now()
        return conversation

    _q, conversation = fire(
        question,
        "conversation",
        actor=actor,
        reason=_("conversation held"),
        work=work,
        summary=message(
            gettext_lazy("%(kind)s on %(day)s"), kind=ContactKind(kind).label, day=held_on
        ),
    )
    return conversation  # type: ignore[no-any-return]


def add_attachment(
    *, actor: Any, question: Question, upload: UploadedFile, shared_with: str = Shared.INTERNAL
) -> Attachment:
    info = check_upload(upload)

    def work(q: Question) -> Attachment:
        q.last_activity_at = timezone.now()
        return Attachment.objects.create(
            question=q,
            file=upload,
            name=(upload.name or "file")[:200],
            content_type=info.content_type,
            size=info.size,
            uploaded_by=actor,
            shared_with=shared_with,
        )

    _q, attachment = fire(
        question,
        "attach",
        actor=actor,
        work=work,
        summary=gettext_lazy("Attachment added"),
    )
    return attachment  # type: ignore[no-any-return]


def set_waiting_on_sme(*, actor: Any, question: Question, reason: str) -> Question:
    q, _r = fire(
        question, "wait", actor=actor, reason=reason, summary=gettext_lazy("Waiting on the SME")
    )
    return q


def resume_question(*, actor: Any, question: Question, reason: str = "") -> Question:
    """The SME answered: the question is back with the advisor."""
    q, _r = fire(
        question,
        "resume",
        actor=actor,
        reason=reason or _("the SME answered"),
        summary=gettext_lazy("Back in progress"),
    )
    return q


def add_contact_moment(
    *,
    actor: Any,
    question: Question,
    held_on: dt.date,
    participants: str,
    notes: str = "",
    attachments: list[UploadedFile] | None = None,
) -> Conversation:
    """A follow-up contact after the exploratory conversation (a call, a visit, a mail)."""
    return record_conversation(
        actor=actor,
        question=question,
        kind=ContactKind.FOLLOW_UP,
        held_on=held_on,
        participants=participants,
        notes=notes,
        attachments=attachments,
    )


def _set_decision(q: Question, actor: Any, decision: str, reason: str, route: str = "") -> None:
    q.decision, q.route, q.decision_reason = decision, route, reason
    q.decided_at, q.decided_by = timezone.now(), actor


def _check_partner(partner: Any, reason: str) -> None:
    if partner is None or not partner.active:
        raise ValidationError({"partner": _("Choose an active knowledge partner.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Record why this partner was chosen.")})


def _decided_email(q: Question, partner: Any = None) -> list[Email]:
    if q.decision == Decision.TRAJECTORY:
        return [
            Email(
                _sme_email(q),
                gettext_lazy("A trajectory starts for your question %(ref)s")
                % {"ref": q.reference},
                "intake/email/decided.txt",
                {"partner": partner},
            )
        ]
    return [
        Email(
            _sme_email(q),
            gettext_lazy("Follow-up of your question %(ref)s") % {"ref": q.reference},
            "intake/email/decided.txt",
        )
    ]


def decide_trajectory(
    *,
    actor: Any,
    question: Question,
    partner: Any,
    reason: str,
    ask_validation: bool = False,
    service_type: str = ServiceType.TEST_BEFORE_INVEST,
) -> Any:
    """Decision (1): start a trajectory with the chosen partner (in its start-up phase), for
    one of the hub's service types.

    The trajectories context opens it when this step is taken (``on_step``); it is returned.
    With ``ask_validation`` the funding agency first validates the choice; the trajectory then
    opens when an officer approves it, and None is returned."""
    _check_service_type(service_type)
    if ask_validation:
        request_partner_validation(
            actor=actor,
            question=question,
            partner=partner,
            reason=reason,
            service_type=service_type,
        )
        return None
    _check_partner(partner, reason)

    def work(q: Question) -> None:
        q.chosen_partner = partner
        q.chosen_service_type = service_type
        _set_decision(q, actor, Decision.TRAJECTORY, reason)

    q, _r = fire(
        question,
        "decide_trajectory",
        actor=actor,
        reason=reason,
        work=work,
        summary=message(gettext_lazy("Trajectory started with %(partner)s"), partner=partner),
        emails=lambda q, _r: _decided_email(q, partner),
    )
    return q.trajectories.order_by("-pk").first()  # type: ignore[attr-defined]


def _check_service_type(service_type: str) -> None:
    if service_type not in ServiceType.values:
        raise ValidationError({"service_type": _("Choose one of the services.")})


def request_partner_validation(
    *,
    actor: Any,
    question: Question,
    partner: Any,
    reason: str,
    service_type: str = ServiceType.TEST_BEFORE_INVEST,
) -> Question:
    """Ask the funding agency to validate the partner choice before the trajectory opens."""
    _check_partner(partner, reason)
    _check_service_type(service_type)

    def work(q: Question) -> None:
        q.chosen_partner = partner
        q.chosen_service_type = service_type
        q.validation, q.decision_reason, q.validation_comment = Validation.REQUESTED, reason, ""
        q.validated_by, q.validated_at = None, None

    q, _r = fire(
        question,
        "ask_validation",
        actor=actor,
        reason=reason,
        work=work,
        summary=message(
            gettext_lazy("Validation of partner choice %(partner)s asked"), partner=partner
        ),
        emails=lambda q, _r: [
            Email(
                _officer_emails(),
                gettext_lazy("Please validate a partner choice (%(ref)s)") % {"ref": q.reference},
                "intake/email/validation_requested.txt",
            )
        ],
    )
    return q


def approve_partner_validation(*, actor: Any, question: Question, comment: str = "") -> Any:
    """The officer approves: the decision stands in the advisor's name and the trajectory opens."""

    def work(q: Question) -> None:
        q.validation, q.validation_comment, q.validated_by, q.validated_at = (
            Validation.APPROVED,
            comment,
            actor,
            timezone.now(),
        )
        _set_decision(q, q.advisor or actor, Decision.TRAJECTORY, q.decision_reason)

    q, _r = fire(
        question,
        "approve",
        actor=actor,
        reason=comment,
        work=work,
        summary=gettext_lazy("Partner choice validated"),
        emails=lambda q, _r: [
            Email(
                _advisor_emails(q),
                gettext_lazy("Partner choice for %(ref)s approved") % {"ref": q.reference},
                "intake/email/validation_result.txt",
                {"approved": True, "comment": comment},
            ),
            *_decided_email(q, q.chosen_partner),
        ],
    )
    return q.trajectories.order_by("-pk").first()  # type: ignore[attr-defined]


def reject_partner_validation(*, actor: Any, question: Question, comment: str) -> Question:
    if not comment.strip():
        raise ValidationError(
            {"comment": _("Say why the choice is rejected, so the advisor can choose again.")}
        )

    def work(q: Question) -> None:
        q.validation, q.validation_comment, q.validated_by, q.validated_at = (
            Validation.REJECTED,
            comment,
            actor,
            timezone.now(),
        )

    q, _r = fire(
        question,
        "reject",
        actor=actor,
        reason=comment,
        work=work,
        summary=gettext_lazy("Partner choice rejected"),
        emails=lambda q, _r: [
            Email(
                _advisor_emails(q),
                gettext_lazy("Partner choice for %(ref)s rejected") % {"ref": q.reference},
                "intake/email/validation_result.txt",
                {"approved": False, "comment": comment},
            )
        ],
    )
    return q


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Record why this decision was taken.")})


def decide_no_trajectory(
    *, actor: Any, question: Question, route: str, reason: str, commercial_partner: Any = None
) -> Question:
    if route not in Route.values:
        raise ValidationError({"route": _("Choose the route that was taken.")})
    if route == Route.COMMERCIAL_PARTNER and commercial_partner is None:
        raise ValidationError(
            {"commercial_partner": _("Say which commercial partner the SME was introduced to.")}
        )
    _require_reason(reason)

    def work(q: Question) -> None:
        q.commercial_partner = commercial_partner if route == Route.COMMERCIAL_PARTNER else None
        _set_decision(q, actor, Decision.NO_TRAJECTORY, reason, route)

    q, _r = fire(
        question,
        "decide_route",
        actor=actor,
        reason=reason,
        work=work,
        summary=message(gettext_lazy("No trajectory: %(route)s"), route=Route(route).label),
        emails=lambda q, _r: _decided_email(q),
    )
    return q


def close_info_only(*, actor: Any, question: Question, reason: str) -> Question:
    _require_reason(reason)
    q, _r = fire(
        question,
        "close_info",
        actor=actor,
        reason=reason,
        work=lambda q: _set_decision(q, actor, Decision.INFO_ONLY, reason),
        summary=gettext_lazy("Closed as information only"),
        emails=lambda q, _r: _decided_email(q),
    )
    return q


def reopen_question(*, actor: Any, question: Question, reason: str) -> Question:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the question is reopened.")})

    def work(q: Question) -> None:
        q.decision, q.route, q.commercial_partner, q.decided_at = "", "", None, None

    q, _r = fire(
        question,
        "reopen",
        actor=actor,
        reason=reason,
        work=work,
        summary=gettext_lazy("Question reopened"),
    )
    return q


def allow_outside_target_group(*, actor: Any, question: Question, reason: str) -> Question:
    """A coordinator lets a question of a non-SME take the trajectory route."""
    if not reason.strip():
        raise ValidationError({"reason": _("Record why this exception is made.")})

    def work(q: Question) -> None:
        q.target_group_allowed_by = actor
        q.last_activity_at = timezone.now()

    q, _r = fire(
        question,
        "allow_target_group",
        actor=actor,
        reason=reason,
        work=work,
        summary=gettext_lazy("Trajectory allowed although outside the SME target group"),
    )
    return q
