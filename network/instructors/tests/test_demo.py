"""The demo's instructors and temporary branches on the ``small`` scale: instructors for about
60 % of the 两新 units without a party organization, visits, some behind; two temporary
branches with members seconded from real branches (their membership unchanged), one due for
the demo street account; the flush removes them."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from network.demo import DemoContext, flush_all, seed_all
from network.instructors import selectors
from network.instructors.choices import SERVED_KINDS
from network.instructors.models import Instructor, InstructorAssignment, InstructorVisit
from organizations.demo.generator import demo_trees
from organizations.grants.models import Grant
from organizations.orgs.choices import OrgCategory
from organizations.orgs.models import PartyOrg
from organizations.temporary import selectors as temporary_selectors
from organizations.temporary.models import Secondment, TemporaryBranch
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
    made = seed_all(_context(), {})
    assert made["临时党支部"] == 2 and made["党建指导员"] > 0
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

    # the flush removes every row of both features (the organizations go with the trees' flush)
    ctx = _context()
    flush_all(ctx.area_trees, ctx.org_trees)
    assert _counts() == (0, 0, 0, 0, 0)
