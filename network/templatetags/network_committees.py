"""Template tags of the regional network for other apps' pages (the organization page's
“结对共建” panel: ``templates/network/committees/_org_pairings.html``)."""
from django import template

register = template.Library()


@register.simple_tag
def org_pairings(user, org):
    """The current pairings of ``org`` the user may see (one query)."""
    from network.committees.selectors import org_pairings as pairings

    return list(pairings(user, org)[:20])
