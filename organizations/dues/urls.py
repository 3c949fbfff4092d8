"""Pages of dues (党费), included under /org/dues/ by organizations/urls.py."""
from django.urls import path

from organizations.dues import views

urlpatterns = [
    path("", views.index, name="dues_index"),
    path("mine/", views.mine, name="dues_mine"),
    path("arrears/", views.arrears, name="dues_arrears"),
    path("six-months/", views.lapsed, name="dues_lapsed"),
    path("totals/", views.totals, name="dues_totals"),
    path("members/<int:pk>/", views.member, name="dues_member"),
    path("orgs/<int:pk>/", views.sheet, name="dues_sheet"),
    path("orgs/<int:pk>/record/", views.record, name="dues_record"),
    path("orgs/<int:pk>/exempt/", views.exempt, name="dues_exempt"),
    path("orgs/<int:pk>/base/", views.declare_base, name="dues_base"),
    path("orgs/<int:pk>/sheet.xlsx", views.export, name="dues_export"),
    path("orgs/<int:pk>/import/", views.import_month, name="dues_import"),
]
