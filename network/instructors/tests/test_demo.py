"""The demo's instructors and temporary branches on the ``small`` scale: a party branch of their
own for about 35 % of the 两新 units and property companies (valid nodes of the organization
trees), then instructors for about 60 % of the 两新 units still without a party organization, visits, some behind; two temporary
branches with members seconded from real branches (their membership unchanged), one due for
the demo street account; the flush removes them."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from network.demo import DemoContext, flush_all, seed_all
from network.instructors import demo, selectors
from network.instructors.choices import SERVED_KINDS
from network.instructors.models import Instructor, InstructorAssignment, InstructorVisit
from organizations.demo.generator import demo_trees
from organizations.grants.models import Grant
from organizations.orgs.choices import OrgCategory
from organizations.orgs.models import PartyOrg
from organizations.temporary import selectors as temporary_selectors
from organizations.temporary.models import Secondment, TemporaryBranch
from organizations.trees.check import check_all_trees
from organizations.units.models import ResidentUnit

pytestmark = pytest.mark.django_db


def _counts():
    return (Instructor.objects.count(), InstructorAssignment.objects.count(), InstructorVisit.objects.count(),
            TemporaryBranch.objects.count(), Secondment.objects.count())


def _context():
    """The network phase's context as ``seed_demo`` builds it (it runs that phase only with
    organizational life, which these tests leave out)."""
    names = ("admin", "district", "street", "community", "member")
    grants = Grant.objects.filter(user__username__in=names, area__isnull=False).select_related("user", "area")
    area_trees, org_trees = demo_trees()
    return DemoContext(scale="small", seed=20240501, today=timezone.localdate(), area_trees=area_trees,
                       org_trees=org_trees, users={g.user.username: g.user for g in grants},
                       nodes={g.user.username: g.area for g in grants}, log=lambda *a: None)


def test_small_demo():
    call_command("seed_demo", "--scale", "small", "--life", "none", stdout=StringIO())
    today = timezone.localdate()
    served_before = ResidentUnit.objects.filter(kind__in=SERVED_KINDS).count()
    made = seed_all(_context(), {})
    assert made["临时党支部"] == 2 and made["党建指导员"] > 0
    # the 两新 branches: about 35 % of the served units, valid tree nodes under the community's
    # party organization or the street's working committee, anchored at the unit's community
    served = ResidentUnit.objects.filter(kind__in=SERVED_KINDS)
    with_org = served.filter(party_org__isnull=False)
    assert made["两新党支部"] == with_org.count() > 0
    assert abs(with_org.count() - 0.35 * served.count()) <= 1.5
    assert served.count() >= served_before
    ctx = _context()
    assert set(demo.demo_branches(ctx.org_trees).values_list("pk", flat=True)) == set(
        with_org.values_list("party_org", flat=True))
    for unit in with_org.select_related("party_org__parent"):
        org = unit.party_org
        assert org.kind == "branch" and org.area_id == unit.community_id
        assert org.category == (OrgCategory.PROPERTY if unit.kind == "property" else OrgCategory.NEW_ECONOMY)
        assert org.parent.category in (OrgCategory.COMMUNITY, OrgCategory.STREET)
        assert PartyOrg.objects.get(pk=org.pk).get_ancestors().filter(pk=org.parent_id).exists()
    assert check_all_trees() == []
    # the demo community keeps at least two of its units for instructors
    assert served.filter(community=ctx.nodes["community"], party_org__isnull=True).count() >= 2
    # some units have a party organization, some only an instructor, some neither
    instructed = InstructorAssignment.objects.values("unit")
    assert with_org.exists()
    assert served.filter(party_org__isnull=True, pk__in=instructed).exists()
    assert served.filter(party_org__isnull=True).exclude(pk__in=instructed).exists()
    assert not with_org.filter(pk__in=instructed).exists()
    bare = ResidentUnit.objects.filter(kind__in=SERVED_KINDS, party_org__isnull=True).count()
    served = InstructorAssignment.objects.values("unit").distinct().count()
    assert 0 < served <= bare and served >= 0.6 * bare - 1  # about 60 % per street, at least one
    assert InstructorVisit.objects.exists()
    for a in InstructorAssignment.objects.all()[:50]:
        assert a.last_visit_on == max(a.visits.values_list("visited_on", flat=True), default=None)
    users = _context().users
    assert selectors.instructors_for(users["street"]).exists()

    assert TemporaryBranch.objects.count() == 2
    for t in TemporaryBranch.objects.select_related("org__parent"):
        assert t.org.category == OrgCategory.TEMPORARY and t.org.parent.category == OrgCategory.STREET
        assert PartyOrg.objects.filter(pk=t.org_id).get().get_ancestors().filter(pk=t.org.parent_id).exists()
    for s in Secondment.objects.select_related("member__organization")[:30]:
        assert s.member.organization.category != OrgCategory.TEMPORARY
    assert Secondment.objects.exists()
    assert temporary_selectors.due_for_dissolution(users["street"], today).exists()

    # the flush removes every row of both features (the temporary branches' organizations go
    # with the trees' flush; the 两新 branches go with the instructors' and leave the trees whole)
    ctx = _context()
    flush_all(ctx.area_trees, ctx.org_trees)
    assert _counts() == (0, 0, 0, 0, 0)
    assert not demo.demo_branches(ctx.org_trees).exists()
    assert not ResidentUnit.objects.filter(kind__in=SERVED_KINDS, party_org__isnull=False).exists()
    assert check_all_trees() == []


def test_second_flush_and_seed():
    """Seeding the network twice over a flush of the whole demo: the same branches again,
    the trees consistent (seed_demo's own tree check passes too)."""
    call_command("seed_demo", "--scale", "small", "--life", "none", stdout=StringIO())
    first = seed_all(_context(), {})
    call_command("seed_demo", "--scale", "small", "--life", "none", "--flush", stdout=StringIO())
    assert not PartyOrg.objects.filter(category__in=demo.BRANCH_CATEGORIES).exists()
    second = seed_all(_context(), {})
    assert second == first
    assert check_all_trees() == []
    call_command("seed_demo", "--scale", "small", "--life", "none", "--flush", stdout=StringIO())
    assert not PartyOrg.objects.filter(category__in=demo.BRANCH_CATEGORIES).exists()
