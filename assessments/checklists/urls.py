"""Pages of the four lists (四张清单), mounted at /checklists/."""
from django.urls import path

from assessments.checklists import views

app_name = "checklist"

urlpatterns = [
    path("", views.index, name="index"),
    path("awaiting/", views.awaiting, name="awaiting"),
    path("overdue/", views.overdue, name="overdue"),
    path("new/", views.create, name="create"),
    path("new/pick/orgs/", views.pick_orgs, name="pick_orgs"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_, name="return"),
    path("<int:pk>/midyear/", views.midyear, name="midyear"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/appraise/", views.appraise, name="appraise"),
    path("<int:pk>/items/new/", views.item_add, name="item_add"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/progress/", views.item_progress, name="item_progress"),
    path("items/<int:pk>/finish/", views.item_finish, name="item_finish"),
    path("items/<int:pk>/evidence/", views.item_evidence, name="item_evidence"),
    path("<int:pk>/refresh/", views.refresh, name="refresh"),
    path("items/<int:pk>/pick/<str:kind>/", views.pick_records, name="pick_records"),
]
