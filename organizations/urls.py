"""Portal pages of the organizations app.  Views live in organizations/views.py (tree,
organizations, members, units) and organizations/io_views.py (Excel import/export)."""
from django.urls import path

from organizations import io_views, views

app_name = "organizations"

urlpatterns = [
    # territory browser
    path("areas/", views.area_index, name="area_index"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/<int:pk>/", views.area_detail, name="area_detail"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    # party organizations
    path("orgs/", views.org_list, name="org_list"),
    path("orgs/new/", views.org_create, name="org_create"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("orgs/<int:pk>/edit/", views.org_edit, name="org_edit"),
    # members
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/reveal/", views.member_reveal, name="member_reveal"),
    path("members/<int:pk>/central-household/", views.central_household_edit, name="central_household_edit"),
    # resident units
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    # Excel import / export
    path("import/<str:kind>/", io_views.import_start, name="import_start"),
    path("import/<str:kind>/template.xlsx", io_views.import_template, name="import_template"),
    path("import/jobs/<int:pk>/", io_views.import_job, name="import_job"),
    path("import/jobs/<int:pk>/progress/", io_views.import_job_progress, name="import_job_progress"),
    path("export/<str:kind>.xlsx", io_views.export, name="export"),
]
