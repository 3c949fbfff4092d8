"""Open311 GeoReport v2 at ``/open311/v2/``: every resource in ``.json`` and ``.xml``; any other
path or format answers a GeoReport error."""
from django.urls import re_path

from services.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(rf"^discovery{FMT}", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}", views.service_list, name="services"),
    re_path(rf"^services/(?P<service_code>[A-Za-z0-9_-]+){FMT}", views.service_definition, name="service"),
    # the singular form clients of GeoReport's first years ask for
    re_path(rf"^service/(?P<service_code>[A-Za-z0-9_-]+){FMT}", views.service_definition, name="service_singular"),
    re_path(rf"^requests{FMT}", views.requests_collection, name="requests"),
    re_path(rf"^requests/(?P<service_request_id>[A-Za-z0-9-]+){FMT}", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[A-Za-z0-9-]+){FMT}", views.token_detail, name="token"),
    # anything else (an unknown path or format) is a GeoReport error, never an HTML page
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
