"""Pages of people in several roles, 换届 and leaders linked to communities, included under
/org/roles/ by organizations/urls.py."""
from django.urls import path

from organizations.roles import views

urlpatterns = [
    path("", views.index, name="roles_index"),
    path("<int:pk>/", views.area, name="roles_area"),
    path("<int:pk>/cross/", views.cross, name="roles_cross"),
    path("positions/", views.positions, name="roles_positions"),
    path("positions/new/", views.position_new, name="roles_position_new"),
    path("positions/<int:pk>/end/", views.position_end, name="roles_position_end"),
    path("terms/", views.terms, name="roles_terms"),
    path("terms.xlsx", views.terms_export, name="roles_terms_export"),
    path("terms/<int:pk>/renew/", views.term_renew, name="roles_term_renew"),
    path("leaders/", views.leaders, name="roles_leaders"),
    path("leaders/new/", views.leader_new, name="roles_leader_new"),
    path("leaders/mine/", views.leaders_mine, name="roles_leaders_mine"),
    path("leaders/<int:pk>/", views.leader_detail, name="roles_leader_detail"),
    path("pick/members/", views.pick_members, name="roles_pick_members"),
    path("pick/units/", views.pick_units, name="roles_pick_units"),
]
