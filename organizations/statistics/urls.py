"""Pages of the annual statistical tables, mounted under /org/statistics/ in the ``organizations`` namespace."""
from django.urls import path

from organizations.statistics import views

urlpatterns = [
    path("", views.index, name="statistics_index"),
    path("tables.xlsx", views.export, name="statistics_export"),
]
