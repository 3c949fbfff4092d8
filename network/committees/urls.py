"""Pages of the regional network (区域化党建), under ``/network/committees/``."""
from django.urls import path

from network.committees import views

app_name = "committees"

urlpatterns = [
    path("", views.committee_list, name="list"),
    path("new/", views.committee_new, name="new"),
    path("<int:pk>/", views.committee_detail, name="detail"),
    path("<int:pk>/edit/", views.committee_edit, name="edit"),
    path("<int:pk>/seats/new/", views.seat_add, name="seat_add"),
    path("<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<int:pk>/commitments/new/", views.commitment_new, name="commitment_new"),
    path("<int:pk>/pick/units/", views.pick_units, name="pick_units"),
    path("<int:pk>/pick/departments/", views.pick_departments, name="pick_departments"),
    path("<int:pk>/pick/seats/", views.pick_seats, name="pick_seats"),
    path("seats/<int:pk>/end/", views.seat_end, name="seat_end"),
    path("meetings/<int:pk>/problems/new/", views.problem_new, name="problem_new"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/settle/", views.problem_settle, name="problem_settle"),
    path("problems/<int:pk>/decline/", views.problem_decline, name="problem_decline"),
    path("problems/<int:pk>/whistle/", views.problem_whistle, name="problem_whistle"),
    path("commitments/", views.commitment_list, name="commitments"),
    path("commitments/<int:pk>/fulfil/", views.commitment_fulfil, name="commitment_fulfil"),
    path("pairings/", views.pairing_list, name="pairings"),
    path("pairings/new/", views.pairing_new, name="pairing_new"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path("pick/organ-branches/", views.pick_organ_branches, name="pick_organ_branches"),
    path("pick/compound-branches/", views.pick_compound_branches, name="pick_compound_branches"),
]
