"""Routes of 账号管理, mounted under /org/accounts/ in the ``organizations`` namespace."""
from django.urls import path

from organizations.staff import views

urlpatterns = [
    path("", views.account_list, name="account_list"),
    path("new/", views.account_create, name="account_create"),
    path("pick/areas/", views.pick_areas, name="account_pick_areas"),
    path("pick/orgs/", views.pick_orgs, name="account_pick_orgs"),
    path("<int:pk>/", views.account_detail, name="account_detail"),
    path("<int:pk>/grant/", views.account_grant, name="account_grant"),
    path("<int:pk>/password/", views.account_password_reset, name="account_password_reset"),
    path("<int:pk>/deactivate/", views.account_set_active, {"active": False}, name="account_deactivate"),
    path("<int:pk>/reactivate/", views.account_set_active, {"active": True}, name="account_reactivate"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
]
