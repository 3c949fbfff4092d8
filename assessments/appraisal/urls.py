"""Pages of 民主评议党员, mounted at /life/appraisals/ (``assessments:appraisal:…``)."""
from django.urls import path

from assessments.appraisal import views

app_name = "appraisal"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("new/pick/orgs/", views.pick_orgs, name="pick_orgs"),
    path("new/pick/meetings/", views.pick_meetings, name="pick_meetings"),
    path("figures/", views.figures, name="figures"),
    path("mine/", views.mine, name="mine"),
    path("members/<int:pk>/", views.member_history, name="member_history"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sheet/", views.sheet, name="sheet"),
    path("<int:pk>/meeting/", views.meeting, name="meeting"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
]
