"""Routes of 发展党员, mounted under /org/development/ in the ``organizations`` namespace."""
from django.urls import path

from organizations.development import views

urlpatterns = [
    path("", views.development_index, name="development_index"),
    path("orgs/<int:pk>/", views.branch_pipeline, name="development_branch"),
    path("orgs/<int:pk>/notices/", views.branch_notices, name="development_branch_notices"),
    path("cases/", views.case_list, name="development_case_list"),
    path("cases/new/", views.case_create, name="development_case_create"),
    path("cases/<int:pk>/", views.case_detail, name="development_case_detail"),
    path("cases/<int:pk>/steps/<slug:code>/", views.step_create, name="development_step_create"),
    path("cases/<int:pk>/extend/", views.probation_extend, name="development_probation_extend"),
    path("cases/<int:pk>/notice/", views.case_notice, name="development_case_notice"),
    path("cases/<int:pk>/reveal/", views.case_reveal, name="development_case_reveal"),
    path("cases/<int:pk>/steps/<int:step_pk>/evidence/<int:index>/", views.evidence_download, name="development_evidence"),
    path("cases/<int:pk>/pick/members/", views.pick_members, name="development_pick_members"),
    path("cases/<int:pk>/pick/meetings/", views.pick_meetings, name="development_pick_meetings"),
    path("pick/branches/", views.pick_branches, name="development_pick_branches"),
    path("mine/", views.my_record, name="development_my_record"),
    path("members/<int:pk>/", views.member_record, name="development_member_record"),
]
