"""The portal as a phone sees it: ``/favicon.ico`` and the web app manifest
(``/manifest.webmanifest``), so the residents' pages can be added to a home screen.

The icons are drawn by ``portal.icons`` into ``static/icons/``; the favicon is answered at
the site root (browsers ask there whatever the page links), the manifest names the static
icons (their hashed names in production) and starts on the residents' wish page."""
import json
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.icons import RED

FAVICON = "icons/favicon.ico"
MANIFEST_ICONS = (("icons/icon-192.png", 192), ("icons/icon-512.png", 512))
THEME_COLOR = RED  # the navbar's red (static/css/app.css --party-red)
BACKGROUND_COLOR = "#ffffff"
ONE_DAY = 24 * 3600


@lru_cache(maxsize=4)
def static_bytes(name: str) -> bytes:
    """A static file's bytes: from the sources (development, tests) or the collected files."""
    path = finders.find(name)
    if path:
        with open(path, "rb") as handle:
            return handle.read()
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as handle:
            return handle.read()
    raise Http404


@require_safe
def favicon(request):
    response = HttpResponse(static_bytes(FAVICON), content_type="image/x-icon")
    response["Cache-Control"] = f"public, max-age={ONE_DAY}"
    return response


def manifest_data() -> dict:
    return {
        "name": _("城市基层党建"),
        "short_name": _("基层党建"),
        "description": _("居民微心愿、点单服务与办理进展查询"),
        "lang": "zh-CN",
        "dir": "ltr",
        "start_url": reverse("services:wish_submit"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [{"src": static(name), "sizes": f"{side}x{side}", "type": "image/png", "purpose": "any"}
                  for name, side in MANIFEST_ICONS],
    }


@require_safe
def manifest(request):
    response = HttpResponse(json.dumps(manifest_data(), ensure_ascii=False),
                            content_type="application/manifest+json; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={ONE_DAY}"
    return response
