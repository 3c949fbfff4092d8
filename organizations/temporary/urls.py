"""Pages of 临时党支部, mounted at /org/temporary/ in the ``organizations`` namespace."""
from django.urls import path

from organizations.temporary import views

urlpatterns = [
    path("", views.temporary_list, name="temporary_list"),
    path("new/", views.temporary_create, name="temporary_create"),
    path("pick/members/", views.pick_members, name="temporary_pick_members"),
    path("pick/parents/", views.pick_parents, name="temporary_pick_parents"),
    path("<int:pk>/", views.temporary_detail, name="temporary_detail"),
    path("<int:pk>/second/", views.temporary_second, name="temporary_second"),
    path("<int:pk>/dissolve/", views.temporary_dissolve, name="temporary_dissolve"),
    path("secondments/<int:pk>/end/", views.secondment_end, name="temporary_secondment_end"),
]
