"""Excel import and export pages.

``import_start`` checks the upload (size, extension, declared type, and the zip's directory:
no part too large or compressed too well — nothing is parsed here), stores it as an ``ImportJob`` and queues the
Celery task after commit; ``import_job`` shows the job, whose status fragment
(``import_job_progress``) polls itself with htmx every second until the job finishes.
``export`` streams the visible areas or members as .xlsx (personal data masked).
"""

import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dangjian import jobs, xlsx
from dangjian.access import page_access
from dangjian.audit import record
from dangjian.portal import forbidden as _forbidden
from organizations.areas.models import Area
from organizations.imports import exporters, permissions
from organizations.imports.choices import FINISHED_IMPORT_STATUSES, ImportKind, ImportStatus
from organizations.imports.forms import ImportUploadForm
from organizations.imports.importers import XLSX_CONTENT_TYPE, ImportPermissionError, build_template, columns_for, import_job_submit, size_text
from organizations.imports.models import ImportJob

ERROR_ROWS_SHOWN = 500
STATUS_CLASSES = {
    ImportStatus.PENDING: "secondary",
    ImportStatus.RUNNING: "primary",
    ImportStatus.SUCCEEDED: "success",
    ImportStatus.FAILED: "warning",
    ImportStatus.ERROR: "danger",
}


def _kind_or_404(kind: str) -> str:
    if kind not in ImportKind.values:
        raise Http404
    return kind


def _own_job_or_404(request, pk) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk, created_by=request.user).first()
    if job is None:
        raise Http404
    return job


def _job_context(job: ImportJob) -> dict:
    finished = job.status in FINISHED_IMPORT_STATUSES
    errors = job.errors if job.status == ImportStatus.FAILED else []
    return {
        "job": job,
        "finished": finished,
        "percent": 100 if job.status == ImportStatus.SUCCEEDED else job.progress_percent,
        "phase": (job.summary or {}).get("phase", "") if not finished else "",
        "status_class": STATUS_CLASSES.get(job.status, "secondary"),
        "file_errors": [e for e in errors if not e.get("row")],
        "row_errors": [e for e in errors if e.get("row")][:ERROR_ROWS_SHOWN],
        "row_error_count": sum(1 for e in errors if e.get("row")),
        "rows_shown": ERROR_ROWS_SHOWN,
        # a pending job whose message the broker has not taken yet (down): said, not hidden
        "awaiting_broker": job.status == ImportStatus.PENDING and jobs.awaiting_broker(f"import:{job.pk}"),
    }


@page_access(permissions.can_import, gettext_lazy("您的角色无权导入数据。导入需要区委组织部、街道、社区或系统管理员的授权。"))
@require_http_methods(["GET", "POST"])
def import_start(request, kind):
    kind = _kind_or_404(kind)
    form = ImportUploadForm(kind=kind)
    upload_error = ""
    if request.method == "POST":
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.IMPORT_MAX_BYTES + 64 * 1024:
            # Clearly too large: refuse without handing the upload to the form and openpyxl.
            # (The web server's body limit should match IMPORT_MAX_BYTES.)
            upload_error = _("文件过大，上限为 %(limit)s，请拆分后分批导入。") % {
                "limit": size_text(settings.IMPORT_MAX_BYTES),
            }
        else:
            form = ImportUploadForm(request.POST, request.FILES, kind=kind)
            if form.is_valid():
                try:
                    job = import_job_submit(actor=request.user, kind=kind, upload=form.cleaned_data["file"])
                except ImportPermissionError as exc:
                    return _forbidden(request, str(exc))
                return redirect("organizations:import_job", pk=job.pk)
    recent = ImportJob.objects.filter(created_by=request.user, kind=kind).order_by("-created_at", "-id")[:10]
    return render(request, "organizations/io/import_start.html", {
        "kind": kind,
        "kind_label": ImportKind(kind).label,
        "form": form,
        "upload_error": upload_error,
        "columns": columns_for(kind),
        "recent_jobs": recent,
        "max_size": size_text(settings.IMPORT_MAX_BYTES),
        "is_members": kind == ImportKind.MEMBERS,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def import_template(request, kind):
    kind = _kind_or_404(kind)
    name = _("%(kind)s导入模板.xlsx") % {"kind": ImportKind(kind).label}
    response = HttpResponse(build_template(kind), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = xlsx.content_disposition(name, f"{kind}-template.xlsx")
    return response


@login_required
@require_GET
def import_job(request, pk):
    job = _own_job_or_404(request, pk)
    return render(request, "organizations/io/import_job.html", _job_context(job))


@login_required
@require_GET
def import_job_progress(request, pk):
    job = _own_job_or_404(request, pk)
    return render(request, "organizations/io/_job_status.html", _job_context(job))


@login_required
@require_GET
def export(request, kind):
    kind = _kind_or_404(kind)
    if not permissions.can_import(request.user):
        return _forbidden(request, _("您的角色无权导出数据。"))
    within = None
    if kind == ImportKind.AREAS and request.GET.get("within"):
        try:
            within_id = int(request.GET["within"])
        except ValueError:
            raise Http404 from None
        within = Area.objects.visible_to(request.user).filter(pk=within_id).first()
        if within is None:
            raise Http404
    handle = tempfile.TemporaryFile()
    if kind == ImportKind.AREAS:
        rows = exporters.write_areas(handle, actor=request.user, within=within)
    else:
        rows = exporters.write_members(handle, actor=request.user)
    record(request.user, f"export.{kind}", within or request.user, {
        "rows": rows, "masked": kind == ImportKind.MEMBERS,
    })
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = xlsx.content_disposition(
        exporters.export_filename(kind), exporters.export_filename_ascii(kind)
    )
    response["Cache-Control"] = "no-store"
    return response
