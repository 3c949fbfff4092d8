from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dangjian.scoping import get_scope
from organizations.areas import selectors
from organizations.areas.choices import AreaLevel
from organizations.areas.views import summary_cards
from organizations.grants.models import Grant
from organizations.members import selectors as members_selectors
from portal import menu


@login_required
def home(request):
    """Greeting, the user's grants, links fit to their roles, and the headline figures of the
    top area they can see (a constant number of queries)."""
    user = request.user
    scope = get_scope(user)
    grants = list(
        Grant.objects.filter(user=user, is_active=True).select_related("area", "org").order_by("created_at", "id")
    )
    tops = list(selectors.top_areas_for(user, granted_areas=[g.area for g in grants if g.area_id]))
    top = tops[0] if tops else None
    summary = selectors.area_summary(top) if top is not None else None
    member = members_selectors.members_for(user).filter(user=user).select_related("organization", "residence").first()
    member_community = None
    if member is not None and member.residence_id:
        ancestors = member.residence.get_ancestors(include_self=True).filter(level=AreaLevel.COMMUNITY)
        member_community = selectors.areas_for(user).filter(pk__in=ancestors.values("pk")).first()
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
        },
    )
