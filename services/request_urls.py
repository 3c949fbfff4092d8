"""Pages of resident requests (点单-派单-接单-评单): public pages under ``/r/``, staff pages
under ``/services/requests/``."""
from django.urls import path  # noqa: F401

app_name = "requests"

urlpatterns = []
