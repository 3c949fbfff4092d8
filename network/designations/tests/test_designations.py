"""Designations: exactly one designated thing, current / expired / revoked, granting and
revoking through the pages, the counts per area and on the area and organization pages, and
the dashboard tiles."""
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.testing.clients import logged_in
from network.designations import selectors
from network.designations.choices import DesignationKind, DesignationState
from network.designations.models import Designation
from network.tests.factories import centre_at, designation_of
from organizations.grants.choices import Role
from organizations.tests.factories import AreaFactory, PartyOrgFactory, user_with

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_designation_has_exactly_one_subject(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(kind=DesignationKind.OTHER, org=city.a.branch, area=city.a.area,
                                   place=city.a.area, granted_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(kind=DesignationKind.OTHER, place=city.a.area, granted_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():  # stars only for star-rated branches
        designation_of(city.a.branch, kind=DesignationKind.STAR_BRANCH, stars=6)


def test_current_expired_pending_and_revoked(city):
    current = designation_of(city.a.branch, granted_on=TODAY - timedelta(days=10), valid_until=TODAY)
    lasting = designation_of(city.b.branch, granted_on=TODAY - timedelta(days=900))
    expired = designation_of(city.a.area, granted_on=TODAY - timedelta(days=900), valid_until=TODAY - timedelta(days=1))
    pending = designation_of(city.b.area, granted_on=TODAY + timedelta(days=1))
    revoked = designation_of(city.a.group, kind=DesignationKind.OTHER, revoked_on=TODAY, revoke_reason="整改不到位")
    assert {d.pk for d in Designation.objects.current()} == {current.pk, lasting.pk}
    assert [d.state() for d in (current, lasting, expired, pending, revoked)] == [
        DesignationState.CURRENT, DesignationState.CURRENT, DesignationState.EXPIRED, DesignationState.PENDING,
        DesignationState.REVOKED]
    for state, row in (("current", current), ("expired", expired), ("pending", pending), ("revoked", revoked)):
        assert row.pk in set(Designation.objects.filter(selectors.state_q(state)).values_list("pk", flat=True))


def _grant(client, **data):
    values = {"granted_on": TODAY.isoformat()}
    values.update({k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()})
    return client.post(reverse("designations:create"), values)


def test_a_street_cadre_grants_with_pickers_and_revokes(city):
    client = logged_in(user_with(Role.STREET, city.street))
    response = _grant(client, kind=DesignationKind.DEMO_BRANCH, org=city.a.branch, granted_by="兴东街道党工委")
    assert response.status_code == 302, response.content.decode()[:3000]
    d = Designation.objects.get()
    assert (d.org, d.place, d.state()) == (city.a.branch, city.a.compound, DesignationState.CURRENT)
    assert client.post(reverse("designations:revoke", args=[d.pk]), {"reason": ""}).status_code == 302
    d.refresh_from_db()
    assert d.revoked_on is None  # a reason is required
    client.post(reverse("designations:revoke", args=[d.pk]), {"reason": "支部换届后未达标"})
    d.refresh_from_db()
    assert d.revoked_on == TODAY and d.state() == DesignationState.REVOKED


def test_the_grant_form_refuses_two_subjects_the_wrong_sort_and_missing_stars(city):
    client = logged_in(user_with(Role.STREET, city.street))
    two = _grant(client, kind=DesignationKind.OTHER, org=city.a.branch, area=city.a.area)
    assert "选择且只选择一个" in two.content.decode()
    community_as_branch = _grant(client, kind=DesignationKind.DEMO_COMMUNITY, area=city.a.compound)
    assert "示范社区须选择一个社区" in community_as_branch.content.decode()
    no_stars = _grant(client, kind=DesignationKind.STAR_BRANCH, org=city.a.branch)
    assert "1–5 星" in no_stars.content.decode()
    centre = centre_at(city.a.area)
    assert _grant(client, kind=DesignationKind.DEMO_CENTRE, centre=centre).status_code == 302
    assert not Designation.objects.exclude(centre=centre).exists()


def test_a_new_star_rating_ends_the_current_one(city):
    client = logged_in(user_with(Role.STREET, city.street))
    _grant(client, kind=DesignationKind.STAR_BRANCH, org=city.a.branch, stars=3)
    _grant(client, kind=DesignationKind.STAR_BRANCH, org=city.a.branch, stars=4)
    assert [(d.stars, d.state()) for d in Designation.objects.order_by("pk")] == [
        (3, DesignationState.REVOKED), (4, DesignationState.CURRENT)]


def test_only_district_and_street_cadres_grant_and_only_in_their_subtree(city):
    community = logged_in(user_with(Role.COMMUNITY, city.a.area))
    assert community.get(reverse("designations:create")).status_code == 403
    assert community.get(reverse("designations:list")).status_code == 200
    other_street = AreaFactory(level=city.street.level, parent=city.district)
    cadre = logged_in(user_with(Role.STREET, other_street))
    response = _grant(cadre, kind=DesignationKind.DEMO_BRANCH, org=city.a.branch)
    assert response.status_code == 200 and not Designation.objects.exists()  # not offered by the picker
    theirs = designation_of(city.a.branch)
    assert cadre.post(reverse("designations:revoke", args=[theirs.pk]), {"reason": "x"}).status_code == 404


def test_counts_per_child_area_and_badges_on_the_area_pages(city):
    designation_of(city.a.branch)
    designation_of(city.a.area)
    designation_of(city.b.branch, kind=DesignationKind.STAR_BRANCH, stars=4)
    designation_of(city.b.area, valid_until=TODAY - timedelta(days=1))  # expired: not counted
    designation_of(city.street_org, kind=DesignationKind.OTHER)  # on the street itself
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.current_counts([city.a.area, city.b.area])
    assert len(ctx.captured_queries) == 1
    assert counts == {city.a.area.pk: 2, city.b.area.pk: 1}
    client = logged_in(user_with(Role.DISTRICT, city.district))
    page = client.get(reverse("designations:counts", args=[city.street.pk]))
    rows = {r["area"].name: r["cells"] for r in page.context["rows"]}
    assert rows == {"甲社区": [1, 1, 0, 0, 0], "乙社区": [0, 0, 0, 1, 0]}
    assert page.context["total"] == [1, 1, 0, 1, 1]
    detail = client.get(reverse("organizations:area_detail", args=[city.street.pk]))
    badges = {c.name: c.designation_count for c in detail.context["children"]}
    assert badges == {"甲社区": 2, "乙社区": 1}
    assert 'data-testid="designation-badge"' in detail.content.decode()
    org = client.get(reverse("organizations:org_detail", args=[city.a.branch.pk]))
    assert "示范党支部" in org.content.decode() and len(org.context["designations"]) == 1


def test_area_tiles_equal_the_rows_counted(city):
    for _i in range(3):
        designation_of(PartyOrgFactory(area=city.a.compound, parent=city.a.committee))
    designation_of(city.b.branch, kind=DesignationKind.STAR_BRANCH, stars=5)
    designation_of(city.a.branch, kind=DesignationKind.STAR_BRANCH, stars=3)
    designation_of(city.a.area)
    designation_of(centre_at(city.a.area))
    designation_of(city.b.area, revoked_on=TODAY)  # revoked: not counted
    cadre = user_with(Role.STREET, city.street)
    with CaptureQueriesContext(connection) as ctx:
        tiles = selectors.area_tiles(cadre, city.street)
    assert len(ctx.captured_queries) <= 3
    by_label = {t["label"]: t for t in tiles}
    assert by_label["示范党支部"]["value"] == "3"
    assert by_label["星级党支部"]["value"] == "2" and by_label["星级党支部"]["note"] == "5星 1 · 3星 1"
    assert by_label["示范点"]["value"] == "2"
    client = logged_in(cadre)
    for tile in tiles:
        page = client.get(tile["url"])
        assert str(page.context["page_obj"].paginator.count) == tile["value"], tile
    community = user_with(Role.COMMUNITY, city.a.area)
    assert {t["label"]: t["value"] for t in selectors.area_tiles(community, city.street)}["星级党支部"] == "1"


def test_the_list_filters_by_kind_area_and_state(city):
    a = designation_of(city.a.branch)
    b = designation_of(city.b.branch, valid_until=date(2025, 6, 1))
    client = logged_in(user_with(Role.STREET, city.street))

    def listed(**params):
        return {d.pk for d in client.get(reverse("designations:list"), params).context["page_obj"]}

    assert listed() == {a.pk, b.pk}
    assert listed(state="expired") == {b.pk}
    assert listed(state="current") == {a.pk}
    assert listed(area=city.b.area.pk) == {b.pk}
    assert listed(kind="star_branch") == set()
