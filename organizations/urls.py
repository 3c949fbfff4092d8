"""Portal pages of the organizations app.  Views live in organizations/views.py (tree,
organizations, members, units) and organizations/io_views.py (Excel import/export)."""
from django.urls import include, path

from organizations.areas import views as areas_views
from organizations.imports import views as io_views
from organizations.members import views
from organizations.orgs import views as orgs_views
from organizations.units import views as units_views

app_name = "organizations"

urlpatterns = [
    # territory browser
    path("areas/", areas_views.area_index, name="area_index"),
    path("areas/new/", areas_views.area_create, name="area_create"),
    path("areas/pick/", areas_views.pick_areas, name="pick_areas"),
    path("areas/<int:pk>/", areas_views.area_detail, name="area_detail"),
    path("areas/<int:pk>/edit/", areas_views.area_edit, name="area_edit"),
    # party organizations
    path("orgs/", orgs_views.org_list, name="org_list"),
    path("orgs/new/", orgs_views.org_create, name="org_create"),
    path("orgs/pick/", orgs_views.pick_orgs, name="pick_orgs"),
    path("orgs/<int:pk>/", orgs_views.org_detail, name="org_detail"),
    path("orgs/<int:pk>/edit/", orgs_views.org_edit, name="org_edit"),
    # members
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/lookup/", views.member_lookup, name="member_lookup"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/reveal/", views.member_reveal, name="member_reveal"),
    path("members/<int:pk>/central-household/", views.central_household_edit, name="central_household_edit"),
    # resident units
    path("units/", units_views.unit_list, name="unit_list"),
    path("units/new/", units_views.unit_create, name="unit_create"),
    path("units/<int:pk>/", units_views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", units_views.unit_edit, name="unit_edit"),
    # 组织关系转接: transfers, introduction letters, members' contact states
    path("transfers/", include("organizations.transfers.urls")),
    # 账号管理: accounts and their grants
    path("accounts/", include("organizations.staff.urls")),
    # 党费 (dues)
    path("dues/", include("organizations.dues.urls")),
    # 发展党员
    path("development/", include("organizations.development.urls")),
    # 党内统计 (the annual statistical tables)
    path("statistics/", include("organizations.statistics.urls")),
    # 临时党支部 (temporary branches)
    path("temporary/", include("organizations.temporary.urls")),
    # 任职与换届: people in several roles (交叉任职、一肩挑), 换届 reminders, leaders linked to communities
    path("roles/", include("organizations.roles.urls")),
    # Excel import / export
    path("import/<str:kind>/", io_views.import_start, name="import_start"),
    path("import/<str:kind>/template.xlsx", io_views.import_template, name="import_template"),
    path("import/jobs/<int:pk>/", io_views.import_job, name="import_job"),
    path("import/jobs/<int:pk>/progress/", io_views.import_job_progress, name="import_job_progress"),
    path("export/<str:kind>.xlsx", io_views.export, name="export"),
]
