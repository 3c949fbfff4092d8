"""Pages of 党建指导员, mounted at /network/instructors/."""
from django.urls import path

from network.instructors import views

app_name = "instructors"

urlpatterns = [
    path("", views.instructor_list, name="list"),
    path("new/", views.instructor_create, name="create"),
    path("behind/", views.behind_list, name="behind"),
    path("coverage/", views.coverage_index, name="coverage_index"),
    path("coverage/<int:area>/", views.coverage, name="coverage"),
    path("coverage/<int:area>/export.xlsx", views.coverage_export, name="coverage_export"),
    path("pick/units/", views.pick_units, name="pick_units"),
    path("pick/members/", views.pick_members, name="pick_members"),
    path("<int:pk>/", views.instructor_detail, name="detail"),
    path("<int:pk>/edit/", views.instructor_edit, name="edit"),
    path("<int:pk>/assign/", views.instructor_assign, name="assign"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("assignments/<int:pk>/visit/", views.visit_create, name="visit"),
]
