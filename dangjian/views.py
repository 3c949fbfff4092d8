from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from dangjian.health import health

LOOPBACK = {"127.0.0.1", "::1"}


def sees_details(request) -> bool:
    """Backend names, raw errors and ages are for the machine itself and signed-in staff only.
    A loopback address with a forwarding header is a proxy speaking for someone else."""
    if getattr(request.user, "is_authenticated", False) and request.user.is_staff:
        return True
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") or request.META.get("HTTP_FORWARDED")
    return request.META.get("REMOTE_ADDR") in LOOPBACK and not forwarded


@never_cache
def healthz(request):
    ok, report = health()
    body = {"status": "ok" if ok else "degraded"}
    if sees_details(request):
        body.update(report)
    return JsonResponse(body, status=200 if ok else 503)


def ping(request):
    """``/healthz/ping``: the framework's ceiling — the whole middleware stack, no database, no
    session, no template (``make load`` measures it beside the portal's pages; a liveness probe)."""
    response = HttpResponse(b"pong", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response
