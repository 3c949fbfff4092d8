"""Pages of the services app.  Mounted at the site root (``path("", include("services.wishes.urls"))``):
the public, account-free pages live under ``/w/`` (short, for QR codes and SMS), the staff
pages under ``/services/``."""
from django.urls import path

from services.resident.views import communities_page
from services.wishes import views

app_name = "services"

urlpatterns = [
    # public (residents, no account)
    path("w/", views.wish_submit, name="wish_submit"),
    path("w/track/", views.wish_track, name="wish_track"),
    path("w/buildings/", views.wish_buildings, name="wish_buildings"),
    path("w/communities/", communities_page, name="wish_communities"),
    path("w/<str:code>/", views.wish_status, name="wish_status"),
    path("w/<str:code>/rate/", views.wish_rate, name="wish_rate"),
    path("w/<str:code>/result-photo/", views.wish_result_photo, name="wish_result_photo"),
    # staff
    path("services/", views.wish_home, name="home"),
    path("services/wishes/", views.wish_list, name="wish_list"),
    path("services/wishes/wall/", views.wish_wall, name="wish_wall"),
    path("services/wishes/mine/", views.my_claims, name="my_claims"),
    path("services/wishes/pick/orgs/", views.wish_pick_orgs, name="wish_pick_orgs"),
    path("services/wishes/<int:pk>/", views.wish_detail, name="wish_detail"),
    path("services/wishes/<int:pk>/publish/", views.wish_publish, name="wish_publish"),
    path("services/wishes/<int:pk>/reject/", views.wish_reject, name="wish_reject"),
    path("services/wishes/<int:pk>/cancel/", views.wish_cancel, name="wish_cancel"),
    path("services/wishes/<int:pk>/claim/", views.wish_claim, name="wish_claim"),
    path("services/wishes/<int:pk>/release/", views.wish_release, name="wish_release"),
    path("services/wishes/<int:pk>/fulfil/", views.wish_fulfil, name="wish_fulfil"),
    path("services/wishes/<int:pk>/phone/", views.wish_reveal_phone, name="wish_reveal_phone"),
    path("services/wishes/<int:pk>/photo/<str:which>/", views.wish_photo, name="wish_photo"),
]
