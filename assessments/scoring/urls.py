"""Scoring pages, mounted at /scores/ (namespace ``scoring``)."""
from django.urls import path

from assessments.scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("stars/", views.stars, name="stars"),
    path("<int:pk>/", views.score_detail, name="score_detail"),
    path("<int:pk>/history/", views.history, name="history"),
    path("runs/", views.runs, name="runs"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("manual/", views.manual, name="manual"),
]
