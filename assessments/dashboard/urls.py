"""District dashboards, mounted at /dashboard/."""
from django.urls import path

from assessments.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.area_dashboard, name="area"),
    path("<int:pk>/network/", views.network_panel, name="network"),
    path("<int:pk>/export/<slug:chart>.xlsx", views.export, name="export"),
    path("<int:pk>/refresh/", views.refresh, name="refresh"),
    path("start-scoring/", views.start_scoring_form, name="start_scoring_form"),
]
