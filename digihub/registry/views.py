from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from digihub.accounts.clientip import client_ip
from digihub.core import throttle

from . import lookup as kbo_lookup
from .policies import can_search

PUBLIC_LIMIT = 60  # look-ups of one number per address per 10 minutes


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    """Suggestions from the KBO/BCE register for the search box of the advisor's forms."""
    q = (request.GET.get("q") or "").strip()[:120]
    decision = can_search(request.user)
    hits = kbo_lookup.search(q) if decision and len(q) >= 2 else []
    return render(
        request,
        "registry/_lookup_results.html",
        {"hits": hits, "q": q, "allowed": bool(decision), "limit": kbo_lookup.LIMIT},
    )


def public_lookup(request: HttpRequest) -> HttpResponse:
    """The public form: once a valid enterprise number is typed, offer the register's details.
    One exact number at a time (no browsing by name), rate-limited per address."""
    value = (request.GET.get("enterprise_number") or "").strip()[:20]
    hit = None
    limited = False
    digits = kbo_lookup.normalise_number(value)
    if len(digits) in (9, 10):
        from django.core.exceptions import ValidationError

        from digihub.companies.validators import normalise_enterprise_number

        try:
            normalise_enterprise_number(value)
        except ValidationError:
            pass
        else:
            if throttle.hit(
                f"registry:public:{client_ip(request)}", limit=PUBLIC_LIMIT, period=600
            ):
                hit = kbo_lookup.by_number(value)
            else:
                limited = True
    return render(
        request,
        "registry/_public_result.html",
        {"hit": hit, "typed": bool(digits), "limited": limited},
    )


# Data in and out: a hub's registers imported, its data exported -----------------------------
import uuid  # noqa: E402
from pathlib import PurePosixPath  # noqa: E402

from django import forms  # noqa: E402
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.shortcuts import get_object_or_404  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from django.utils.translation import gettext_lazy  # noqa: E402

from digihub.core.forms import SafeTextForm  # noqa: E402
from digihub.network.models import Hub  # noqa: E402

from . import export as hub_export  # noqa: E402
from . import registers  # noqa: E402
from .models import ImportRun  # noqa: E402
from .policies import can_exchange, can_import_kbo, hubs_for_exchange  # noqa: E402

MAX_REGISTER_BYTES = 10 * 1024 * 1024


class UploadForm(SafeTextForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=[(k, v[0]) for k, v in registers.KINDS.items()],
    )
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (XLSX or CSV)"),
        help_text=gettext_lazy("The first row names the columns; at most 10 MB."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".xlsx") or name.endswith(".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > MAX_REGISTER_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


def _hub(request: HttpRequest, hub_pk: int) -> Hub:
    hub = get_object_or_404(Hub, pk=hub_pk)
    decision = can_exchange(request.user, hub)
    if not decision:
        raise PermissionDenied(decision.reason)
    return hub


@login_required
def exchange(request: HttpRequest) -> HttpResponse:
    hubs = list(hubs_for_exchange(request.user).select_related("province"))
    if not hubs:
        raise PermissionDenied(_("Only advisors and programme coordinators import or export data."))
    return render(
        request,
        "registry/exchange.html",
        {
            "hubs": hubs,
            "form": UploadForm(),
            "runs": ImportRun.objects.order_by("-extract_number", "id")[:12],
            "may_import_kbo": bool(can_import_kbo(request.user)),
        },
    )


@login_required
def export_download(request: HttpRequest, hub_pk: int) -> HttpResponse:
    hub = _hub(request, hub_pk)
    data = hub_export.export_hub(hub, actor=request.user)
    response = HttpResponse(data, content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="digihub-hub-{hub.pk}-{stamp}.zip"'
    return response


def _stored(request: HttpRequest, token: str) -> tuple[str, bytes] | None:
    """A file this user uploaded for the import (kept between the preview and the confirmation)."""
    if not token or "/" in token or ".." in token:
        return None
    path = f"register-uploads/{request.user.pk}/{token}"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        return token, handle.read()


@login_required
def register_import(request: HttpRequest, hub_pk: int) -> HttpResponse:
    """Upload → mapping and dry run (the preview) → confirmation, all on one page."""
    hub = _hub(request, hub_pk)
    context: dict[str, object] = {"hub": hub}
    if request.method != "POST":
        context["form"] = UploadForm()
        return render(request, "registry/register_import.html", context)
    token = request.POST.get("token", "")
    stored = _stored(request, token)
    kind = request.POST.get("kind", "")
    if stored is None:
        form = UploadForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, "registry/register_import.html", context, status=400)
        upload = form.cleaned_data["file"]
        suffix = PurePosixPath(upload.name).suffix.lower()
        token = f"{uuid.uuid4().hex}{suffix}"
        data = upload.read()
        default_storage.save(f"register-uploads/{request.user.pk}/{token}", ContentFile(data))
        kind = form.cleaned_data["kind"]
    else:
        data = stored[1]
        context["form"] = UploadForm(initial={"kind": kind})
    if kind not in registers.KINDS:
        return render(request, "registry/register_import.html", context, status=400)
    try:
        header, rows = registers.read_table(token, data)
    except registers.RegisterError as exc:
        context["error"] = str(exc)
        return render(request, "registry/register_import.html", context, status=400)
    posted = {
        spec.name: request.POST.get(f"map_{spec.name}", "")
        for spec in registers.KINDS[kind][1]
        if f"map_{spec.name}" in request.POST
    }
    mapping = posted or registers.suggest_mapping(kind, header, registers.saved_mapping(hub, kind))
    mapping = {k: v for k, v in mapping.items() if v in header}
    confirm = request.POST.get("confirm") == "1"
    context.update(
        token=token,
        kind=kind,
        kind_label=registers.KINDS[kind][0],
        header=header,
        specs=[(s, mapping.get(s.name, "")) for s in registers.KINDS[kind][1]],
    )
    try:
        outcome = registers.run_import(
            actor=request.user,
            hub=hub,
            kind=kind,
            header=header,
            rows=rows,
            mapping=mapping,
            dry_run=not confirm,
        )
    except registers.RegisterError as exc:
        context["error"] = str(exc)
        return render(request, "registry/register_import.html", context)
    context["outcome"] = outcome
    if confirm:
        default_storage.delete(f"register-uploads/{request.user.pk}/{token}")
    return render(request, "registry/register_import.html", context)


# The KBO/BCE open data, uploaded by a coordinator and imported in the background -------------
from django.contrib import messages  # noqa: E402
from django.shortcuts import redirect  # noqa: E402

from digihub.core.forms import add_errors  # noqa: E402

from . import kbo_upload  # noqa: E402
from .models import KboUpload  # noqa: E402


class KboUploadForm(SafeTextForm):
    file = forms.FileField(
        label=gettext_lazy("KBO open data extract (ZIP)"),
        help_text=gettext_lazy(
            "The ZIP as the Crossroads Bank for Enterprises publishes it: a full extract or a "
            "monthly update, oldest first."
        ),
    )


@login_required
def kbo_import(request: HttpRequest) -> HttpResponse:
    """Upload an extract; the page shows the imports and, while one runs, follows it (htmx)."""
    decision = can_import_kbo(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)
    form = KboUploadForm()
    status = 200
    if request.method == "POST":
        form = KboUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                upload = kbo_upload.start_import(
                    actor=request.user, upload=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Extract %(number)s is uploaded; it is imported in the background.")
                    % {"number": upload.extract_number},
                )
                return redirect("registry:kbo_import")
        status = 400
    recent = list(KboUpload.objects.select_related("uploaded_by")[:10])
    uploads = [
        {
            "upload": u,
            "error": kbo_upload.error_text(u) if u.error else "",
            "files": kbo_upload.files_of(u) if u.status != "done" else [],
            "rows": kbo_upload.rows_so_far(u) if u.status != "done" else u.rows,
        }
        for u in recent
    ]
    context = {
        "form": form,
        "uploads": uploads,
        "active": any(u.status in kbo_upload.ACTIVE for u in recent),
        "max_mb": kbo_upload.max_bytes() // (1024 * 1024),
    }
    if getattr(request, "htmx", False) and request.method == "GET":
        return render(request, "registry/_kbo_uploads.html", context)
    return render(request, "registry/kbo_import.html", context, status=status)
