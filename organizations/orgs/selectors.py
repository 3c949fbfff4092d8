from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from organizations.members.models import Member
from organizations.orgs.models import PartyOrg


def orgs_for(user):
    return PartyOrg.objects.visible_to(user)


def with_member_total(orgs):
    """Annotate ``member_total`` (members registered with the organization) as a correlated
    count: on a sorted, paginated list the database counts the page's rows only, where a
    joined ``COUNT`` groups every organization in scope before sorting."""
    total = Member.objects.filter(organization=OuterRef("pk")).order_by().values("organization").annotate(n=Count("pk")).values("n")
    return orgs.annotate(member_total=Coalesce(Subquery(total, output_field=IntegerField()), Value(0)))


def org_figures(orgs):
    """Annotate organizations with the counts the structure warnings need (one query)."""
    return orgs.annotate(
        full_count=Count("members", filter=Q(members__status="full"), distinct=True),
        probationary_count=Count("members", filter=Q(members__status="probationary"), distinct=True),
        committee_size=Count(
            "members", filter=Q(members__org_role__in=["secretary", "deputy", "committee"]), distinct=True
        ),
    )
