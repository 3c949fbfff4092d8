"""Pages of 双报到 (organizations and in-service members reporting to communities), under
``/services/reporting/``."""
from django.urls import path

from services.checkins import views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("communities/<int:pk>/", views.board, name="board"),
    path("communities/<int:pk>/report/", views.report_in, name="report_in"),
    path("communities/<int:pk>/pick/residents/", views.pick_residents, name="pick_residents"),
    path("mine/", views.mine, name="mine"),
    path("mine/report/", views.my_report, name="my_report"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/sheet/", views.member_sheet, name="member_sheet"),
    path("employers/workbook/", views.employer_export, name="employer_export"),
    path("employers/<int:pk>/workbook/", views.employer_workbook, name="employer_workbook"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/new/pick/orgs/", views.pick_orgs, name="pick_orgs"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/end/", views.agreement_end, name="agreement_end"),
]
