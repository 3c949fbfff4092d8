"""Portal pages of the grids app (mounted at /grids/)."""
from django.urls import path

from grids.coverage import views as coverage_views
from grids.diary import views
from grids.grids import views as grids_views
from grids.teams import views as teams_views

app_name = "grids"

urlpatterns = [
    # grids
    path("", grids_views.grid_list, name="grid_list"),
    path("new/", grids_views.grid_create, name="grid_create"),
    path("<int:pk>/", grids_views.grid_detail, name="grid_detail"),
    path("<int:pk>/edit/", grids_views.grid_edit, name="grid_edit"),
    path("<int:pk>/coverage/", grids_views.grid_coverage_edit, name="grid_coverage_edit"),
    path("<int:pk>/team/add/", teams_views.team_add, name="team_add"),
    path("<int:pk>/team/pick/members/", teams_views.team_pick_members, name="team_pick_members"),
    path("team/<int:pk>/end/", teams_views.team_end, name="team_end"),
    # community board and coverage
    path("community/<int:pk>/", coverage_views.community_board, name="community_board"),
    path("community/<int:pk>/generate/", coverage_views.community_generate, name="community_generate"),
    path("coverage/", coverage_views.coverage_index, name="coverage_index"),
    path("coverage/<int:pk>/", coverage_views.coverage, name="coverage"),
    path("coverage/<int:pk>/gaps/<str:kind>/", coverage_views.coverage_gaps, name="coverage_gaps"),
    # people's diary
    path("diary/", views.diary_list, name="diary_list"),
    path("diary/new/", views.diary_create, name="diary_create"),
    path("diary/<int:pk>/", views.diary_detail, name="diary_detail"),
    path("diary/<int:pk>/resolve/", views.diary_resolve, name="diary_resolve"),
    path("diary/<int:pk>/convert/", views.diary_convert, name="diary_convert"),
    path("diary/<int:pk>/photo/", views.diary_photo, name="diary_photo"),
]
