"""Pages of the burden meter (减负监测), mounted at /burden/ (``burden:…``)."""
from django.urls import path

from assessments.burden import views

app_name = "burden"

urlpatterns = [
    path("", views.index, name="index"),
    path("communities/<int:pk>/", views.community, name="community"),
    path("areas/<int:pk>/", views.area_month, name="area"),
]
