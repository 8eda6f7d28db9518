"""PDF rendering with WeasyPrint. It never fetches anything from the network or the disk:
documents are self-contained (styles inline in the PDF template, images as data: URIs), and the
fetcher only accepts the data: scheme, so a URL in user content cannot make the server fetch it."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from .outbound import xml_text


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Every PDF (report, quote, payment) is made XML-safe here, where they all pass.
    html = xml_text(render_to_string(template_name, context))
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=2)
    return HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()  # type: ignore[no-any-return]
