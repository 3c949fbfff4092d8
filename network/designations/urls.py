"""Pages of designations (示范点与星级), mounted at ``/network/designations/``."""
from django.urls import path

from network.designations import views

app_name = "designations"

urlpatterns = [
    path("", views.designation_list, name="list"),
    path("new/", views.designation_create, name="create"),
    path("pick/centres/", views.pick_centres, name="pick_centres"),
    path("areas/", views.counts_index, name="counts_index"),
    path("areas/<int:pk>/", views.area_counts, name="counts"),
    path("<int:pk>/", views.designation_detail, name="detail"),
    path("<int:pk>/revoke/", views.designation_revoke, name="revoke"),
]
