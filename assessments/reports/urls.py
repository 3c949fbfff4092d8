"""Pages of one-table reports, mounted at /reports/ (``reports:…``)."""
from django.urls import path

from assessments.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_create, name="create"),
    path("fields/new/", views.field_create, name="field_create"),
    path("figures/", views.figure_catalogue, name="figures"),
    path("fill/<str:kind>/<int:subject_id>/", views.fill, name="fill"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/publish/", views.report_publish, name="publish"),
    path("<int:pk>/close/", views.report_close, name="close"),
    path("<int:pk>/compute/", views.report_compute, name="compute"),
    path("<int:pk>/export.xlsx", views.report_export, name="export"),
    path("<int:pk>/fill/", views.my_fill, name="my_fill"),
]
