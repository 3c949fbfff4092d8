"""Pages of 双报到 (organizations and in-service members reporting to communities), under
``/services/reporting/``."""
from django.urls import path  # noqa: F401

app_name = "reporting"

urlpatterns = []
