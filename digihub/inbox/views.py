from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .selectors import items_for


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """What awaits the signed-in person, the most pressing first."""
    items = items_for(request.user)
    return render(request, "inbox/index.html", {"items": items, "today": timezone.localdate()})
