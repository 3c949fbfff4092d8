"""``/api/``: the router's endpoints, app URL patterns that are not viewsets, OpenAPI."""
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer

from dangjian.access import declare_access
from dangjian.api.exceptions import json_error
from dangjian.api.permissions import DocsAccess, docs_allowed
from dangjian.api.routers import app_api_modules, build_router


@declare_access(docs_allowed)
def api_docs(request, *args, **kwargs):
    """Swagger UI (its script served apart, for the Content-Security-Policy): a signed-out
    visitor is sent to the login page where the docs are not public, a signed-in non-staff
    user is refused."""
    if not docs_allowed(request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return json_error(403, DocsAccess.message)
    return _swagger(request, *args, **kwargs)


class SchemaView(SpectacularAPIView):
    """The OpenAPI document (YAML, or JSON with ``?format=json``); a refusal answers JSON."""

    permission_classes = [DocsAccess]

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


_swagger = SpectacularSwaggerSplitView.as_view(
    url_name="api-schema", permission_classes=[DocsAccess], template_name="dangjian/swagger_ui.html"
)

_modules = app_api_modules()
router = build_router(_modules)

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", api_docs, name="api-docs"),
    *[path("", include(module.urlpatterns)) for module in _modules if getattr(module, "urlpatterns", None)],
    path("", include(router.urls)),
]
