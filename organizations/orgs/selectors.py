from django.db.models import Count, Q

from organizations.orgs.models import PartyOrg


def orgs_for(user):
    return PartyOrg.objects.visible_to(user)


def org_figures(orgs):
    """Annotate organizations with the counts the structure warnings need (one query)."""
    return orgs.annotate(
        full_count=Count("members", filter=Q(members__status="full"), distinct=True),
        probationary_count=Count("members", filter=Q(members__status="probationary"), distinct=True),
        committee_size=Count(
            "members", filter=Q(members__org_role__in=["secretary", "deputy", "committee"]), distinct=True
        ),
    )
