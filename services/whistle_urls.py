"""Pages of whistles (吹哨报到), under ``/services/whistles/``."""
from django.urls import path  # noqa: F401

app_name = "whistles"

urlpatterns = []
