from django.db.models import Q

from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area


def public_communities():
    """The communities a resident may choose on the public form (names with their street)."""
    return Area.objects.filter(level=AreaLevel.COMMUNITY).select_related("parent").order_by(*trees.tree_order())


def community_buildings(community, q=""):
    """The buildings of a community (for the public form's building select), those whose name
    (or whose compound's name) holds ``q`` when given.  Callers slice: a community may hold
    thousands after an import."""
    if community is None:
        return Area.objects.none()
    rows = Area.objects.within(community).filter(level=AreaLevel.BUILDING)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(parent__name__icontains=q))
    return rows.select_related("parent").order_by(*trees.preorder())
