"""Demo questions in every state, spread over the chambers and over the last months."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from digihub.accounts.models import User
from digihub.accounts.roles import Role
from digihub.companies.models import Company
from digihub.network.models import CommercialPartner, Theme

from . import services
from .models import Channel, Question, QuestionTransition, Route, Status

TEXTS = [
    "We willen onze voorraad opvolgen met sensoren en weten niet waar te beginnen.",
    "Kan AI ons helpen om offertes sneller op te maken?",
    "Onze webshop groeit; hoe koppelen we die aan ons ERP?",
    "We kregen een phishingaanval en willen onze beveiliging laten doorlichten.",
    "Is een cobot rendabel voor ons inpakproces?",
    "Hoe halen we meer uit de data van onze machines?",
]


def build(count: int = 36, seed: int = 7) -> None:
    if Question.objects.exists():
        return
    rng = random.Random(seed)
    themes = list(Theme.objects.all())
    # The first advisor made for each chamber is its demo single point of contact.
    advisors = {u.chamber_id: u for u in User.objects.filter(role=Role.ADVISOR).order_by("-pk")}
    commercial = list(CommercialPartner.objects.all())
    companies = list(
        Company.objects.filter(chamber__isnull=False)
        .prefetch_related("contacts")
        .order_by("pk")[:count]
    )
    now = timezone.now()
    for index, company in enumerate(companies):
        contact = company.contacts.first()
        data = _registration(
            company,
            text=TEXTS[index % len(TEXTS)],
            themes=rng.sample(themes, 2) if themes else (),
            channel=[Channel.PUBLIC_FORM, Channel.ADVISOR, Channel.PARTNER][index % 3],
        )
        passed_on_by = (
            company.hub.partners.first()
            if data.channel == Channel.PARTNER and company.hub is not None
            else None
        )
        if passed_on_by is None:
            data.channel = Channel.PUBLIC_FORM if data.channel == Channel.PARTNER else data.channel
        question, _ = services.register_question(actor=None, data=data, passed_on_by=passed_on_by)
        Question.objects.filter(pk=question.pk).update(
            registered_at=now - dt.timedelta(days=200 - index * 5),
            last_activity_at=now - dt.timedelta(days=190 - index * 5),
        )
        question.refresh_from_db()
        advisor = advisors.get(company.chamber_id)
        stage = index % 6
        if advisor is None or stage == 0:
            continue  # stays new
        services.take_question(actor=advisor, question=question)
        held_on = timezone.localdate() - dt.timedelta(days=150 - index * 4)
        services.record_conversation(
            actor=advisor,
            question=question,
            held_on=held_on,
            participants=f"{advisor}, {contact}",
            current_situation="Manuele opvolging in Excel.",
            desired_situation="Realtime zicht op voorraad en productie.",
            concrete_questions="Welke sensoren? Welke kost?",
        )
        if stage == 2:
            services.set_waiting_on_sme(
                actor=advisor, question=question, reason="Wacht op cijfers van de kmo"
            )
        elif stage == 3 and commercial:
            services.decide_no_trajectory(
                actor=advisor,
                question=question,
                route=Route.COMMERCIAL_PARTNER,
                reason="Vraag is commercieel op te lossen",
                commercial_partner=rng.choice(commercial),
            )
        elif stage == 4:
            services.decide_no_trajectory(
                actor=advisor,
                question=question,
                route=rng.choice(
                    [Route.PROGRAMME_PRODUCT, Route.CHAMBER_PRODUCT, Route.AGENCY_REFERRAL]
                ),
                reason="Beter passend aanbod",
            )
        elif stage == 5 and index % 12 == 11:
            services.close_info_only(
                actor=advisor, question=question, reason="Enkel informatie gevraagd"
            )
        _backdate(question, held_on)

    # Every demo advisor opens the queue on something new: two questions of this week per chamber.
    for offset, chamber_id in enumerate(sorted(c for c in advisors if c is not None)):
        for company in (
            Company.objects.filter(chamber_id=chamber_id)
            .prefetch_related("contacts")
            .order_by("-pk")[:2]
        ):
            question, _ = services.register_question(
                actor=None,
                data=_registration(
                    company,
                    text=TEXTS[(offset + company.pk) % len(TEXTS)],
                    themes=rng.sample(themes, 2) if themes else (),
                    channel=Channel.PUBLIC_FORM,
                ),
            )
            recent = now - dt.timedelta(days=1 + company.pk % 4, hours=offset)
            Question.objects.filter(pk=question.pk).update(
                registered_at=recent, last_activity_at=recent
            )


def _registration(
    company: Company, *, text: str, themes: list[Theme] | tuple[()], channel: str
) -> services.Registration:
    """The company's question as its first contact would type it."""
    contact = company.contacts.first()  # type: ignore[attr-defined]
    return services.Registration(
        enterprise_number=company.enterprise_number,
        company_name=company.name,
        postcode=company.postcode,
        city=company.city,
        first_name=contact.first_name if contact else "Jan",
        last_name=contact.last_name if contact else "Peeters",
        email=contact.email if contact else "",
        text=text,
        themes=themes,
        consent=True,
        channel=channel,
    )


def _backdate(question: Question, held_on: dt.date) -> None:
    """Spread the demo history over the past, so counts for earlier dates have something to show."""
    taken_at = question.registered_at + dt.timedelta(days=1)
    later = timezone.make_aware(dt.datetime.combine(held_on, dt.time(10)))
    for step, transition in enumerate(question.transitions.order_by("at", "id")):
        at = taken_at if step == 0 else later + dt.timedelta(days=7 * step)
        QuestionTransition.objects.filter(pk=transition.pk).update(at=at)
        if transition.to_status == Status.DECIDED:
            Question.objects.filter(pk=question.pk).update(decided_at=at, last_activity_at=at)
