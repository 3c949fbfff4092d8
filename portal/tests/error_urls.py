"""The portal's URLconf with views that fail on purpose (portal/tests/test_error_pages.py)."""
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from dangjian.portal import too_many_requests
from portal import urls as portal_urls


def boom(request):
    raise RuntimeError("boom")


def refuse(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("bad")


def slow_down(request):
    return too_many_requests(request, 120)


urlpatterns = [
    path("boom/", boom),
    path("api/boom/", boom),
    path("refuse/", refuse),
    path("api/refuse/", refuse),
    path("suspicious/", suspicious),
    path("slow-down/", slow_down),
    *portal_urls.urlpatterns,
]

handler400 = portal_urls.handler400
handler403 = portal_urls.handler403
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500
