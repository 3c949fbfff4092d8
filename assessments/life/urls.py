"""Organizational-life pages, mounted at /life/."""
from django.urls import include, path

from assessments.life import views

app_name = "assessments"

urlpatterns = [
    path("", views.index, name="index"),
    # activities
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    # one organization: list, month view, new activity, compliance calendar
    path("orgs/<int:pk>/", views.org_activities, name="org_activities"),
    path("orgs/<int:pk>/month/", views.org_month, name="org_month"),
    path("orgs/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("orgs/<int:pk>/calendar/", views.org_calendar, name="org_calendar"),
    # QR sign-in (the address the QR code holds)
    path("sign-in/", views.my_sign_ins, name="my_sign_ins"),
    path("sign-in/<str:token>/", views.sign_in, name="sign_in"),
    # oversight
    path("compliance/", views.compliance_index, name="compliance_index"),
    path("compliance/<int:pk>/", views.compliance, name="compliance"),
    path("inactive/", views.inactive, name="inactive"),
    path("service-hours/", views.service_hours, name="service_hours"),
    # rules
    path("rules/", views.rules, name="rules"),
    path("rules/publish/", views.rule_publish, name="rule_publish"),
    # 民主评议党员 (assessments.appraisal)
    path("appraisals/", include("assessments.appraisal.urls")),
]
