"""PDF rendering with WeasyPrint. It never fetches anything from the network or the disk:
documents are self-contained (styles inline in the PDF template, images as data: URIs), and the
fetcher only accepts the data: scheme, so a URL in user content cannot make the server fetch it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language

from .outbound import xml_text


def render_pdf(template_name: str, context: dict[str, Any], *, accessible: bool = True) -> bytes:
    """A tagged PDF (PDF/UA-1) that screen readers can follow, with the document language and
    title (the template's ``<html lang>`` and ``<title>``) in its metadata; ``accessible=False``
    only for a document that is never handed to a person."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Rendered without a request, so no context processor says the language: the document's
    # <html lang> (its /Lang) is the one the text is rendered in.
    context = {"LANGUAGE_CODE": get_language() or settings.LANGUAGE_CODE, **context}
    # Every PDF (report, quote, payment) is made XML-safe here, where they all pass.
    html = xml_text(render_to_string(template_name, context))
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=2)
    document = HTML(string=html, url_fetcher=fetcher, base_url=None)
    if accessible:
        return document.write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]
    return document.write_pdf()  # type: ignore[no-any-return]
