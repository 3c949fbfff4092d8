"""Pages of resident requests (点单-派单-接单-评单): public pages under ``/r/`` (short, for
QR codes and SMS), staff pages under ``/services/requests/``."""
from django.urls import path

from services.requests import views
from services.resident.views import communities_page

app_name = "requests"

urlpatterns = [
    # public (residents, no account)
    path("r/", views.request_submit, name="submit"),
    path("r/track/", views.request_track, name="track"),
    path("r/buildings/", views.request_buildings, name="buildings"),
    path("r/communities/", communities_page, name="communities"),
    path("r/<str:code>/", views.request_status, name="public_status"),
    path("r/<str:code>/rate/", views.request_rate, name="public_rate"),
    path("r/<str:code>/result-photo/", views.request_result_photo, name="public_result_photo"),
    # staff
    path("services/requests/", views.request_list, name="list"),
    path("services/requests/home/", views.request_home, name="home"),
    path("services/requests/mine/", views.my_tasks, name="my_tasks"),
    path("services/requests/from-diary/", views.request_from_diary, name="from_diary"),
    path("services/requests/teams/", views.team_list, name="team_list"),
    path("services/requests/teams/new/", views.team_create, name="team_create"),
    path("services/requests/teams/pick/members/", views.team_pick_members, name="team_pick_members"),
    path("services/requests/teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("services/requests/<int:pk>/", views.request_detail, name="detail"),
    path("services/requests/<int:pk>/dispatch/", views.request_dispatch, name="dispatch"),
    path("services/requests/<int:pk>/pick/assignees/", views.pick_assignees, name="pick_assignees"),
    path("services/requests/<int:pk>/decline/", views.request_decline, name="decline"),
    path("services/requests/<int:pk>/accept/", views.request_accept, name="accept"),
    path("services/requests/<int:pk>/resolve/", views.request_resolve, name="resolve"),
    path("services/requests/<int:pk>/cancel/", views.request_cancel, name="cancel"),
    path("services/requests/<int:pk>/phone/", views.request_reveal_phone, name="reveal_phone"),
    path("services/requests/<int:pk>/photo/", views.request_photo, name="photo"),
    path("services/requests/<int:pk>/photo/result/", views.request_photo, {"which": "result"}, name="result_photo"),
]
