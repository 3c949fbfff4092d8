"""The demo's projects and funds at the small scale: the same share of compound branches
funded ¥6,000 each as Dandong's 805 of 955 (¥4,830,000.00), a service fund per community,
spending that never exceeds a balance (``spent`` equal to the sum of the spending), one or
two projects per community with linked records, brands, and the demo community account
finding its community's projects and allocations."""
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F, Sum

from network.funds import selectors as fund_selectors
from network.funds.demo import funded_count
from network.funds.models import FundAllocation, FundSpending
from network.projects import selectors as project_selectors
from network.projects.models import ProjectActivity, ServiceBrand, ServiceProject
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg


def test_dandong_funds_805_of_955_branches_with_exactly_4_83_million():
    n = funded_count(955, "dandong")
    assert n == 805 and n * Decimal("6000.00") == Decimal("4830000.00")
    assert funded_count(95, "small") == 80


@pytest.mark.django_db
def test_small_demo_seeds_projects_and_funds_that_add_up():
    call_command("seed_demo", "--scale", "small", stdout=StringIO())
    branches = PartyOrg.objects.filter(category=OrgCategory.COMPOUND, kind=OrgKind.BRANCH).count()
    funded = FundAllocation.objects.filter(purpose="org_work")
    assert funded.count() == funded_count(branches, "small") > 0
    assert funded.aggregate(s=Sum("amount"))["s"] == Decimal("6000.00") * funded.count()
    communities = Area.objects.filter(level=AreaLevel.COMMUNITY).count()
    assert FundAllocation.objects.filter(purpose="community_service").count() == communities
    # never below zero, and spent is the sum of the spending
    assert not FundAllocation.objects.filter(spent__gt=F("amount")).exists()
    sums = dict(FundSpending.objects.values_list("allocation").annotate(s=Sum("amount")).values_list("allocation", "s"))
    for a in FundAllocation.objects.all():
        assert a.spent == Decimal(sums.get(a.pk, 0)).quantize(Decimal("0.01"))
    assert FundSpending.objects.filter(project__isnull=False).exists()
    for p in ServiceProject.objects.filter(spendings__isnull=False).distinct():
        assert p.spendings.aggregate(s=Sum("amount"))["s"] <= p.budget
    projects = ServiceProject.objects.count()
    assert communities <= projects <= 2 * communities
    assert ServiceBrand.objects.exists() and ProjectActivity.objects.exists()
    # the demo community account sees its community's projects (one running, with an outcome) and funds
    user = get_user_model().objects.get(username="community")
    mine = project_selectors.attach_outcomes(project_selectors.with_outcome(project_selectors.projects_for(user)))
    assert len(mine) >= 2 and any(p.status == "running" and p.outcome["people_served"] > 0 for p in mine)
    assert fund_selectors.allocations_for(user).filter(purpose="org_work").exists()
    assert fund_selectors.spendable_allocations(user).exists()
