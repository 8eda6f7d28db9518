"""What the intake keeps of a person, for export on request and erasure (see companies.privacy)."""

from __future__ import annotations

from typing import Any

from digihub.companies.models import Contact
from digihub.companies.privacy import (
    ERASED_NAME,
    mentions,
    personal_pattern,
    register_eraser,
    register_exporter,
    scrub_rows,
)

from .models import Attachment, Conversation, Question, QuestionTransition


@register_exporter
def export_questions(contact: Contact) -> dict[str, Any]:
    pattern = personal_pattern(contact)
    questions = Question.objects.filter(contact=contact).order_by("registered_at")
    conversations = Conversation.objects.filter(question__company=contact.company_id)
    return {
        "questions": [
            {
                "reference": q.reference,
                "registered_at": q.registered_at.isoformat(),
                "text": q.text,
                "status": q.status,
                "attachments": [a.name for a in q.attachments.all()],  # type: ignore[attr-defined]
            }
            for q in questions
        ],
        "conversations": [
            {
                "question": c.question.reference,
                "held_on": c.held_on.isoformat(),
                "kind": c.kind,
                "participants": c.participants,
                "current_situation": c.current_situation,
                "desired_situation": c.desired_situation,
                "concrete_questions": c.concrete_questions,
            }
            for c in conversations.select_related("question")
            if c.question.contact_id == contact.pk or mentions(c.participants, pattern)
        ],
    }


@register_eraser
def erase_from_questions(contact: Contact) -> None:
    """Names in conversations and status reasons are overwritten; the files of the person's own
    questions are deleted (their rows stay, so counts do not change)."""
    pattern = personal_pattern(contact)
    if pattern is not None:
        company_questions = Question.objects.filter(company=contact.company_id)
        scrub_rows(
            Conversation.objects.filter(question__in=company_questions),
            (
                "participants",
                "notes",
                "current_situation",
                "desired_situation",
                "concrete_questions",
            ),
            pattern,
        )
        scrub_rows(
            QuestionTransition.objects.filter(question__in=company_questions), ("reason",), pattern
        )
        scrub_rows(Question.objects.filter(contact=contact), ("text", "decision_reason"), pattern)
    for attachment in Attachment.objects.filter(question__contact=contact).exclude(file=""):
        attachment.file.delete(save=False)
        Attachment.objects.filter(pk=attachment.pk).update(file="", name=ERASED_NAME)
