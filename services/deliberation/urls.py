"""Pages of residents' deliberation, mounted at the site root: public pages under ``/y/``
(short, for QR codes), staff pages under ``/services/deliberation/``."""
from django.urls import path

from services.deliberation import views

app_name = "deliberation"

urlpatterns = [
    path("y/", views.propose, name="propose"),
    path("y/communities/", views.public_communities, name="public_communities"),
    path("y/buildings/", views.public_buildings, name="public_buildings"),
    path("y/<str:code>/", views.public_topic, name="public_topic"),
    path("y/<str:code>/support/", views.public_support, name="public_support"),
    path("y/<str:code>/comment/", views.public_comment, name="public_comment"),
    path("y/<str:code>/rate/", views.public_rate, name="public_rate"),
    path("services/deliberation/", views.topic_list, name="topic_list"),
    path("services/deliberation/new/", views.topic_enter, name="topic_enter"),
    path("services/deliberation/figures/", views.topic_figures, name="figures"),
    path("services/deliberation/comments/", views.comment_queue, name="comment_queue"),
    path("services/deliberation/comments/<int:pk>/show/", views.comment_show, name="comment_show"),
    path("services/deliberation/comments/<int:pk>/hide/", views.comment_hide, name="comment_hide"),
    path("services/deliberation/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("services/deliberation/<int:pk>/accept/", views.topic_accept, name="topic_accept"),
    path("services/deliberation/<int:pk>/merge/", views.topic_merge, name="topic_merge"),
    path("services/deliberation/<int:pk>/decline/", views.topic_decline, name="topic_decline"),
    path("services/deliberation/<int:pk>/meeting/", views.topic_meeting, name="topic_meeting"),
    path("services/deliberation/<int:pk>/vote/", views.topic_vote, name="topic_vote"),
    path("services/deliberation/<int:pk>/decide/", views.topic_decide, name="topic_decide"),
    path("services/deliberation/<int:pk>/work/", views.topic_work, name="topic_work"),
    path("services/deliberation/<int:pk>/complete/", views.topic_complete, name="topic_complete"),
    path("services/deliberation/<int:pk>/pick/targets/", views.pick_targets, name="pick_targets"),
    path("services/deliberation/<int:pk>/pick/members/", views.pick_members, name="pick_members"),
]
