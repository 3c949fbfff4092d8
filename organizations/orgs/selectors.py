from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.members.choices import ContactState
from organizations.members.models import Member, current_q
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg

TERRITORIAL_CATEGORIES = (OrgCategory.STREET, OrgCategory.COMMUNITY, OrgCategory.COMPOUND, OrgCategory.GRID)


def orgs_for(user):
    return PartyOrg.objects.visible_to(user)


def pickable_orgs(user):
    """The organizations a picker offers the user (``organizations:pick_orgs``,
    ``OrgPickerField``): the user's subtree in tree order, each with its area (for the label)."""
    return orgs_for(user).select_related("area").order_by(*trees.tree_order())


def with_member_total(orgs):
    """Annotate ``member_total`` (members registered with the organization) as a correlated
    count: on a sorted, paginated list the database counts the page's rows only, where a
    joined ``COUNT`` groups every organization in scope before sorting."""
    total = Member.objects.current().filter(organization=OuterRef("pk")).order_by().values("organization").annotate(n=Count("pk")).values("n")
    return orgs.annotate(member_total=Coalesce(Subquery(total, output_field=IntegerField()), Value(0)))


def org_figures(orgs):
    """Annotate organizations with the counts the structure warnings need (one query)."""
    current = current_q("members__")  # a record transferred out (介绍信) is kept, not counted
    return orgs.annotate(
        full_count=Count("members", filter=Q(members__status="full") & current, distinct=True),
        probationary_count=Count("members", filter=Q(members__status="probationary") & current, distinct=True),
        # 党员状况 (organizations.transfers), beside the totals
        lost_count=Count("members", filter=Q(members__contact_state=ContactState.LOST), distinct=True),
        mobile_count=Count("members", filter=Q(members__contact_state=ContactState.MOBILE), distinct=True),
        out_count=Count("members", filter=Q(members__contact_state=ContactState.TRANSFERRED_OUT), distinct=True),
        committee_size=Count(
            "members", filter=Q(members__org_role__in=["secretary", "deputy", "committee"]), distinct=True
        ),
    )


def new_org_defaults(user, area) -> dict:
    """What a new organization anchored at ``area`` most likely is, for the form launched
    from that area's page: at a compound a 小区党支部 under the community's organization, at
    a building a 楼道(楼栋)党小组 under the compound's branch (else the community's); the
    superior is the nearest organization above the area the user may see, of a kind that
    may hold the new one.  Elsewhere only the area.  Keys: ``area``, and where known
    ``kind``, ``category``, ``parent`` (ids)."""
    defaults = {"area": area.pk}
    if area.level == AreaLevel.COMPOUND:
        defaults.update(kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND)
        superiors = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH)
    elif area.level == AreaLevel.BUILDING:
        defaults.update(kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP)
        superiors = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)
    else:
        return defaults
    # the nearest area first; there, the territorial organization (社区党委) before a unit's
    territorial = Case(When(category__in=TERRITORIAL_CATEGORIES, then=Value(0)), default=Value(1))
    parent = (
        orgs_for(user).filter(trees.ancestors_q(area, "area", include_self=False), kind__in=superiors)
        .order_by("-area__level", territorial, "pk").values_list("pk", flat=True).first()
    )
    if parent is not None:
        defaults["parent"] = parent
    return defaults
