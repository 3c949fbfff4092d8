from django.contrib.auth.decorators import login_required
from django.db.models import Subquery
from django.shortcuts import render

from dangjian import trees
from dangjian.scoping import get_scope
from organizations.areas import selectors
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.areas.views import summary_cards
from organizations.grants.models import Grant
from organizations.members import selectors as members_selectors
from portal import menu
from portal.queues import queues_for


@login_required
def home(request):
    """Greeting, the user's grants, links fit to their roles, and the headline figures of the
    top area they can see (a constant number of queries)."""
    user = request.user
    grants = list(
        Grant.objects.filter(user=user, is_active=True).select_related("area", "org").order_by("created_at", "id")
    )
    scope = get_scope(user)
    tops = list(selectors.top_areas_for(user, granted_areas=[g.area for g in grants if g.area_id]))
    top = tops[0] if tops else None
    summary = selectors.area_summary(top) if top is not None else None
    # the member record with the (visible) community holding its residence, in one query
    community = selectors.areas_for(user).filter(
        trees.ancestors_q(trees.outer("residence", at_position=True)), level=AreaLevel.COMMUNITY)
    member = (
        members_selectors.members_for(user).filter(user=user).select_related("organization", "residence")
        .annotate(community_pk=Subquery(community.values("pk")[:1]), community_name=Subquery(community.values("name")[:1]))
        .first()
    ) if scope.has_fact("member") else None  # the scope's query said whether there is one
    member_community = None
    if member is not None and member.community_pk is not None:
        # only its id and name are read (the quick link to the member's community)
        member_community = Area(pk=member.community_pk, name=member.community_name, level=AreaLevel.COMMUNITY)
    return render(
        request,
        "home.html",
        {
            "grants": grants,
            "top": top,
            "more_tops": len(tops) > 1,
            "summary": summary,
            "cards": summary_cards(top, summary) if summary is not None else [],
            "member": member,
            "links": menu.quick_links(user, grants, member, member_community),
            "is_global": scope.is_global,
            "queues": queues_for(user, grants),
        },
    )
