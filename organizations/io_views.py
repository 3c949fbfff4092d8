"""Excel import/export views (being written)."""
from django.http import HttpResponse


def import_start(request, **kwargs):
    return HttpResponse(status=501)


def import_template(request, **kwargs):
    return HttpResponse(status=501)


def import_job(request, **kwargs):
    return HttpResponse(status=501)


def import_job_progress(request, **kwargs):
    return HttpResponse(status=501)


def export(request, **kwargs):
    return HttpResponse(status=501)
