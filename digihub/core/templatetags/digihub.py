from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.db.models import Model
from django.urls import reverse

from digihub.core import access, formatting, links

register = template.Library()


@register.filter
def eur(value: Any) -> str:
    return formatting.eur(value)


@register.filter
def num(value: Any) -> str:
    return formatting.number(value)


@register.filter
def pct(value: Any) -> str:
    return formatting.percent(value)


@register.filter
def share(value: Any) -> str:
    """A measured share, rounded to the one published precision (one decimal)."""
    return formatting.share(value)


@register.filter
def days(value: Any) -> str:
    """A duration in whole days with its unit ("1 dag", "12 dagen")."""
    return formatting.days(value)


@register.filter
def bedate(value: Any, fmt: str = "medium") -> str:
    return formatting.date(value, fmt)


@register.filter
def bedatetime(value: Any, fmt: str = "medium") -> str:
    return formatting.datetime(value, fmt)


@register.simple_tag
def object_url(name: str, pk: Any) -> str:
    """``{% object_url "trajectories:detail" t.pk %}``: ``{% url %}`` for a list's row links,
    reversed once per pattern (see ``digihub.core.links``)."""
    return links.object_path(name, pk)


@register.simple_tag(takes_context=True)
def can(context: dict[str, Any], action: str, obj: Model) -> access.Decision:
    """``{% can "change" company as decision %}`` – the decision carries the reason."""
    return access.can(context["request"].user, action, obj)


# --- links that leave the platform (e-mails) ---------------------------------------------------

_OBJECT_URLS = {
    # Objects without get_absolute_url: the page that shows them.
    "intake.question": "intake:detail",
    "companies.company": "companies:detail",
    "companies.contact": None,  # a contact's page is its company's
}


def object_path(obj: Any) -> str:
    """The path of the page that shows ``obj`` (a model instance), or of the home page."""
    label = getattr(getattr(obj, "_meta", None), "label_lower", "")
    if label == "companies.contact":
        obj, label = obj.company, "companies.company"
    if hasattr(obj, "get_absolute_url"):
        return str(obj.get_absolute_url())
    url_name = _OBJECT_URLS.get(label)
    return reverse(url_name, args=[obj.pk]) if url_name else reverse("core:home")


def absolute(path: str) -> str:
    """``path`` on the site's public address (settings.SITE_URL), for e-mails and documents."""
    return settings.SITE_URL.rstrip("/") + path


@register.simple_tag
def absolute_url(target: Any, *args: Any) -> str:
    """``{% absolute_url target %}`` – the absolute link to an object's page; with a URL name
    (``{% absolute_url "intake:queue" %}``) to that page. Used by every e-mail."""
    if isinstance(target, str):
        return absolute(reverse(target, args=args))
    return absolute(object_path(target))


@register.simple_tag
def code_login_url(target: Any, email: str = "") -> str:
    """A link that signs in with a one-time code sent to the address, then opens ``target``:
    no password to remember. allauth's login by code is single use, expires and is rate-limited."""
    path = target if isinstance(target, str) else object_path(target)
    query = {"next": path}
    if email:
        query["email"] = email
    return absolute(reverse("account_request_login_code") + "?" + urlencode(query))


# --- lists ------------------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with ``changes`` applied (``None`` removes a key); page resets."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def event_text(event: Any) -> str:
    """An audit event's text in the reader's language (see notifications.shown_summary)."""
    from digihub.core.notifications import shown_summary

    return shown_summary(event.summary, getattr(event, "data", None))
