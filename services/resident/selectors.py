from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area


def public_communities():
    """The communities a resident may choose on the public form (names with their street)."""
    return Area.objects.filter(level=AreaLevel.COMMUNITY).select_related("parent").order_by(*trees.tree_order())


def community_buildings(community):
    """The buildings of a community (for the public form's building select)."""
    if community is None:
        return Area.objects.none()
    return Area.objects.within(community).filter(level=AreaLevel.BUILDING).select_related("parent").order_by(*trees.preorder())
