"""The demo's positions, terms and leader links at the small scale: 一肩挑 flags agreeing with
the positions, reminders for the demo accounts, leaders behind and on track, a second run
adding nothing, and the rows flushed with the trees."""
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from dangjian.scoping import get_scope
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory
from organizations.orgs.models import PartyOrg
from organizations.roles import actions, selectors
from organizations.roles.models import LeaderLink, LeaderVisit, Position

pytestmark = pytest.mark.django_db


def test_demo_at_small_scale():
    call_command("seed_demo", "--scale", "small", "--life", "none", stdout=StringIO())
    today = timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=("community", "street", "district"))}
    # the network phase of seed_demo (run with organizational life; here on its own): this feature's part
    from network.demo import DemoContext, seed_all
    from organizations.demo.generator import demo_trees
    from organizations.grants.models import Grant

    area_trees, org_trees = demo_trees()
    nodes = {g.user.username: g.area for g in Grant.objects.filter(user__in=users.values()).select_related("user", "area")}
    made = seed_all(DemoContext(scale="small", seed=1, today=today, area_trees=area_trees, org_trees=org_trees,
                                users=users, nodes=nodes), {})
    assert made["任职记录"] == Position.objects.count()
    community_orgs = PartyOrg.objects.filter(category=OrgCategory.COMMUNITY, area__level=4)
    n_communities = community_orgs.values("area_id").distinct().count()
    assert n_communities > 0 and Position.objects.exists()
    # 一肩挑 for most communities, and the flags are what the positions say
    yjt = community_orgs.filter(secretary_also_chairs=True).values("area_id").distinct().count()
    assert 0.7 * n_communities <= yjt <= n_communities
    communities = Area.objects.filter(pk__in=community_orgs.values("area_id"))
    assert sum(actions.refresh_secretary_flags(c, today) for c in communities) == 0
    # cross-appointments beyond the 一肩挑 secretaries
    street_area = get_scope(users["street"]).area_ranges[0]
    street = Area.objects.get(pk=street_area.node_id)
    tiles = {t["label"]: t["value"] for t in selectors.area_tiles(users["street"], street)}
    assert int(tiles["交叉任职人数"]) > int(tiles["一肩挑社区"].split(" / ")[0])
    # the demo community account sees a term due within six months and one overdue
    community = users["community"]
    assert selectors.term_reminders(community, today, state="due").exists()
    assert selectors.term_reminders(community, today, state="overdue").exists()
    assert selectors.reminders_for_queue(users["street"], today).count() >= 2
    # leaders: every community linked twice, some behind, not all; the district account's own link
    assert LeaderLink.objects.count() == 2 * n_communities
    behind = selectors.link_rows(LeaderLink.objects.all(), today, behind=True).count()
    assert 0 < behind < LeaderLink.objects.count()
    assert LeaderLink.objects.filter(leader=users["district"]).exists()
    assert LeaderVisit.objects.exists() or today.timetuple().tm_yday < 20
    # a second run adds nothing; a flush removes the rows
    from organizations.roles import demo

    before = Position.objects.count()
    assert demo.seed_for_demo(DemoContext(scale="small", seed=1, today=today, area_trees=area_trees,
                                          org_trees=org_trees)) == {}
    assert Position.objects.count() == before
    demo.flush_for_demo(area_trees, org_trees)
    assert not Position.objects.exists() and not LeaderLink.objects.exists()
