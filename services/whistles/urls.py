"""Pages of whistles (吹哨报到), under ``/services/whistles/``."""
from django.urls import path

from services.whistles import views

app_name = "whistles"

urlpatterns = [
    path("", views.whistle_list, name="list"),
    path("new/", views.whistle_new, name="new"),
    path("pick/areas/", views.pick_areas, name="pick_areas"),
    path("pick/departments/", views.pick_departments, name="pick_departments"),
    path("pick/units/", views.pick_units, name="pick_units"),
    path("inbox/", views.inbox, name="inbox"),
    path("rates/", views.rates_page, name="rates"),
    path("rates/mine/", views.my_rates, name="my_rates"),
    path("departments/", views.departments, name="departments"),
    path("departments/<int:pk>/", views.department, name="department"),
    path("departments/<int:pk>/responders/", views.department_responder_add, name="responder_add"),
    path("units/<int:pk>/responders/", views.unit_responders, name="unit_responders"),
    path("responders/<int:pk>/remove/", views.responder_remove, name="responder_remove"),
    path("<int:pk>/", views.whistle_detail, name="detail"),
    path("<int:pk>/cancel/", views.whistle_cancel, name="cancel"),
    path("targets/<int:pk>/report/", views.target_report, name="report"),
    path("targets/<int:pk>/resolve/", views.target_resolve, name="resolve"),
    path("targets/<int:pk>/confirm/", views.target_confirm, name="confirm"),
    path("targets/<int:pk>/reopen/", views.target_reopen, name="reopen"),
]
