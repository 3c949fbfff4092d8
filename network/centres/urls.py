"""Pages of the service centres, mounted at the site root: the public finder under ``/c/``
(short, for posters and QR codes), the staff pages under ``/network/centres/``."""
from django.urls import path

from network.centres import views

app_name = "centres"

urlpatterns = [
    # public (residents, no account)
    path("c/", views.public_finder, name="public"),
    path("c/communities/", views.public_communities, name="public_communities"),
    # staff
    path("network/centres/", views.centre_list, name="list"),
    path("network/centres/new/", views.centre_create, name="create"),
    path("network/centres/coverage/", views.coverage_index, name="coverage_index"),
    path("network/centres/coverage/<int:pk>/", views.coverage, name="coverage"),
    path("network/centres/coverage/<int:pk>/table.xlsx", views.coverage_export, name="coverage_export"),
    path("network/centres/<int:pk>/", views.centre_detail, name="detail"),
    path("network/centres/<int:pk>/edit/", views.centre_edit, name="edit"),
    path("network/centres/<int:pk>/deactivate/", views.centre_deactivate, name="deactivate"),
    path("network/centres/<int:pk>/reactivate/", views.centre_reactivate, name="reactivate"),
]
