"""Pages of 组织关系转接, mounted at /org/transfers/ in the ``organizations`` namespace."""
from django.urls import path

from organizations.transfers import views

urlpatterns = [
    path("", views.transfer_list, name="transfer_list"),
    path("register/", views.register_incoming, name="transfer_register"),
    path("pick/destinations/", views.pick_destinations, name="transfer_pick_destinations"),
    path("pick/receiving/", views.pick_receiving, name="transfer_pick_receiving"),
    path("<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("<int:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("<int:pk>/return/", views.transfer_return, name="transfer_return"),
    path("<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("<int:pk>/receipt/", views.transfer_receipt, name="transfer_receipt"),
    path("<int:pk>/letter/", views.letter_print, name="transfer_letter"),
    path("members/<int:member_pk>/", views.member_history, name="member_transfers"),
    path("members/<int:member_pk>/start/", views.transfer_start, name="transfer_start"),
    path("members/<int:member_pk>/state/", views.member_state, name="member_state"),
]
