"""Portal views (being written)."""
from django.http import HttpResponse


def area_index(request, **kwargs):
    return HttpResponse(status=501)


def area_create(request, **kwargs):
    return HttpResponse(status=501)


def area_detail(request, **kwargs):
    return HttpResponse(status=501)


def area_edit(request, **kwargs):
    return HttpResponse(status=501)


def org_list(request, **kwargs):
    return HttpResponse(status=501)


def org_create(request, **kwargs):
    return HttpResponse(status=501)


def org_detail(request, **kwargs):
    return HttpResponse(status=501)


def org_edit(request, **kwargs):
    return HttpResponse(status=501)


def member_list(request, **kwargs):
    return HttpResponse(status=501)


def member_create(request, **kwargs):
    return HttpResponse(status=501)


def member_detail(request, **kwargs):
    return HttpResponse(status=501)


def member_edit(request, **kwargs):
    return HttpResponse(status=501)


def member_reveal(request, **kwargs):
    return HttpResponse(status=501)


def central_household_edit(request, **kwargs):
    return HttpResponse(status=501)


def unit_list(request, **kwargs):
    return HttpResponse(status=501)


def unit_create(request, **kwargs):
    return HttpResponse(status=501)


def unit_detail(request, **kwargs):
    return HttpResponse(status=501)


def unit_edit(request, **kwargs):
    return HttpResponse(status=501)
