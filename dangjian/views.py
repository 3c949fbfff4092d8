from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from dangjian.health import health


@never_cache
def healthz(request):
    ok, report = health()
    return JsonResponse({"status": "ok" if ok else "degraded", **report}, status=200 if ok else 503)
