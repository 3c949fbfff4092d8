"""Pages of 经费 (network.funds), mounted at /network/funds/ by portal/urls.py."""
from django.urls import path

from network.funds import views

app_name = "funds"

urlpatterns = [
    path("", views.allocation_list, name="allocations"),
    path("new/", views.allocation_new, name="allocation_new"),
    path("<int:pk>/", views.allocation_detail, name="allocation_detail"),
    path("<int:pk>/edit/", views.allocation_edit, name="allocation_edit"),
    path("spending/", views.spending_list, name="spendings"),
    path("spending/new/", views.spending_new, name="spend"),
    path("spending/<int:pk>/", views.spending_detail, name="spending_detail"),
    path("spending/<int:pk>/evidence/", views.spending_evidence, name="spending_evidence"),
    path("totals/", views.totals, name="totals"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_year, name="import"),
    path("pick/allocations/", views.pick_allocations, name="pick_allocations"),
    path("pick/projects/", views.pick_projects, name="pick_projects"),
]
