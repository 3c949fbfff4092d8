"""Pages of 项目化服务 (network.projects), mounted at /network/projects/ by portal/urls.py."""
from django.urls import path

from network.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/step/<str:verb>/", views.project_step, name="step"),
    path("<int:pk>/link/<str:kind>/", views.project_link, name="link"),
    path("<int:pk>/unlink/<str:kind>/<int:record_id>/", views.project_unlink, name="unlink"),
    path("<int:pk>/pick/activities/", views.pick_activities, name="pick_activities"),
    path("<int:pk>/pick/wishes/", views.pick_wishes, name="pick_wishes"),
    path("<int:pk>/pick/requests/", views.pick_requests, name="pick_requests"),
    path("pick/units/", views.pick_units, name="pick_units"),
    path("pick/brands/", views.pick_brands, name="pick_brands"),
    path("brands/", views.brand_list, name="brands"),
    path("brands/new/", views.brand_new, name="brand_new"),
    path("brands/<int:pk>/", views.brand_detail, name="brand_detail"),
    path("brands/<int:pk>/edit/", views.brand_edit, name="brand_edit"),
]
