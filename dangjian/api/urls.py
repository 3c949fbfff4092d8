"""``/api/``: the router's endpoints, app URL patterns that are not viewsets, OpenAPI."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from dangjian.api.routers import app_api_modules, build_router

_modules = app_api_modules()
router = build_router(_modules)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *[path("", include(module.urlpatterns)) for module in _modules if getattr(module, "urlpatterns", None)],
    path("", include(router.urls)),
]
