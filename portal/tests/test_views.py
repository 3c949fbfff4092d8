import pytest
from django.urls import reverse

from organizations.grants.choices import Role
from organizations.tests.factories import (
    UserFactory,
    grant,
    user_with,
)

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def detail(area):
    return reverse("organizations:area_detail", args=[area.pk])


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# ------------------------------------------------------------------ home page
def test_home_for_district_shows_figures_and_links(client, city):
    user = user_with(Role.DISTRICT, city.city)
    response = login(client, user).get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert user.username in html
    assert "区委组织部" in html and city.city.name in html
    assert reverse("organizations:area_index") in html and reverse("organizations:member_list") in html
    cards = {c["label"]: c["value"] for c in response.context["cards"]}
    assert cards["社区"] == 2 and cards["党员"] == 4


def test_home_for_community_links_their_community_and_import(client, city):
    response = login(client, user_with(Role.COMMUNITY, city.a.area)).get(reverse("home"))
    html = response.content.decode()
    assert "本社区：甲社区" in html and detail(city.a.area) in html
    assert reverse("organizations:import_start", args=["members"]) in html
    assert reverse("organizations:unit_list") in html


def test_home_for_member_links_own_record_and_community(client, city):
    user = UserFactory()
    me = city.a.members[0]
    me.user = user
    me.save()
    grant(user, Role.MEMBER, city.a.area)
    response = login(client, user).get(reverse("home"))
    html = response.content.decode()
    assert reverse("organizations:member_detail", args=[me.pk]) in html
    assert "我的社区：甲社区" in html
    links = [link["url"] for link in response.context["links"]]
    assert reverse("organizations:member_list") not in links


def test_home_for_superuser_shows_the_first_root_and_admin(client, city):
    root = UserFactory()
    root.is_superuser = root.is_staff = True
    root.save()
    response = login(client, root).get(reverse("home"))
    assert response.status_code == 200
    assert response.context["top"].parent_id is None
    links = [link["url"] for link in response.context["links"]]
    assert reverse("admin:index") in links and reverse("organizations:member_list") in links
    assert "超级管理员" in response.content.decode()


def test_home_for_department_links_units(client, city):
    response = login(client, user_with(Role.DEPARTMENT, city.a.area)).get(reverse("home"))
    links = [link["url"] for link in response.context["links"]]
    assert reverse("organizations:unit_list") in links
    assert reverse("organizations:member_list") not in links


@pytest.mark.parametrize("role", [Role.DISTRICT, Role.COMMUNITY])
def test_home_query_count_is_flat_and_within_budget(city, role):
    """The home page reads the grants once (their areas are the top areas), the headline
    figures in one statement, and as many queries with more communities and members."""
    from dangjian.testing.clients import captured_queries, listing, logged_in
    from organizations.tests.factories import build_community
    from portal.tests.budgets import BUDGETS

    user = user_with(role, city.city if role == Role.DISTRICT else city.a.area)
    client = logged_in(user)
    client.get(reverse("home"))
    _, few = captured_queries(client, reverse("home"))
    for i in range(3):
        build_community(city.street, city.street_org, f"丙{i}", members=3)
    _, many = captured_queries(client, reverse("home"))
    assert len(many) == len(few) <= BUDGETS[f"home-{role}"], listing(many)
