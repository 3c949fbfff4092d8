"""The demo designations at small scale: 2 demonstration branches among compound branches
(one in the demo community), star ratings for a share of branches, a 示范社区, a 示范党群服务中心
and one expired 示范点; the demo accounts see them."""
import pytest
from django.core.management import call_command
from django.urls import reverse

from dangjian.testing.clients import logged_in
from network.designations import selectors
from network.designations.choices import DesignationKind, DesignationState
from network.designations.models import Designation
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory, OrgKind

pytestmark = pytest.mark.django_db


def test_the_small_demo_designations(db):
    call_command("seed_demo", scale="small", workers=0, verbosity=0)
    current = Designation.objects.current()
    branches = current.filter(kind=DesignationKind.DEMO_BRANCH)
    assert branches.count() == 2
    assert set(branches.values_list("org__kind", "org__category").distinct()) == {(OrgKind.BRANCH, OrgCategory.COMPOUND)}
    assert all(d.place_id == d.org.area_id for d in branches.select_related("org"))
    stars = current.filter(kind=DesignationKind.STAR_BRANCH)
    assert stars.exists() and set(stars.values_list("stars", flat=True)) <= {1, 2, 3, 4, 5}
    assert current.filter(kind=DesignationKind.DEMO_COMMUNITY).count() >= 1
    assert current.filter(kind=DesignationKind.DEMO_CENTRE).count() == 1
    assert [d.state() for d in Designation.objects.exclude(pk__in=current)] == [DesignationState.EXPIRED]
    from django.contrib.auth import get_user_model

    community_user = get_user_model().objects.get(username="community")
    community = Area.objects.get(pk=community_user.grants.get().area_id)
    assert branches.filter(org__area__parent=community).exists()  # the demo community has one
    tiles = {t["label"]: t["value"] for t in selectors.area_tiles(community_user, community)}
    assert int(tiles["示范党支部"]) >= 1
    street = get_user_model().objects.get(username="street")
    page = logged_in(street).get(reverse("designations:list"))
    assert page.status_code == 200 and page.context["page_obj"].paginator.count > 0
