from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from digihub.core.page_cache import cached_page
from digihub.core.pagination import paginate

from .selectors import Pending

PER_PAGE = 50


@login_required
@cached_page
def index(request: HttpRequest) -> HttpResponse:
    """What awaits the signed-in person, the most pressing first, one page at a time."""
    pending = Pending(request.user)
    page = paginate(request, pending, per_page=PER_PAGE)  # type: ignore[arg-type]
    return render(
        request,
        "inbox/index.html",
        {
            "items": page.object_list,
            "page": page,
            "total": pending.count(),
            "today": timezone.localdate(),
        },
    )
