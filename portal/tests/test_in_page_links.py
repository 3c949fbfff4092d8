"""Links inside pages follow the linked page's rule, as the menus do (``{% load access %}``,
``user|may_open:"…"``): the benchmark's crawl found 我的任务, 我的认领 and 共建协议 shown to roles
those pages refuse (403 dead links)."""
import pytest
from django.urls import reverse

from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with
from services.tests.factories import member_user

pytestmark = pytest.mark.django_db


def _links(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_links_to_pages_a_role_may_not_open_are_not_shown(client):
    c = build_city()
    community = user_with(Role.COMMUNITY, c.a.area)
    client.force_login(community)
    assert reverse("requests:my_tasks") not in _links(client, reverse("requests:list"))
    assert reverse("services:my_claims") in _links(client, reverse("services:wish_list"))  # managers may open it

    grid = user_with(Role.GRID, c.a.area)
    client.force_login(grid)
    wall = _links(client, reverse("services:wish_wall"))
    assert reverse("services:my_claims") not in wall
    assert client.get(reverse("services:my_claims")).status_code == 403  # what the link would have led to

    member = member_user(c.a.members[0])
    client.force_login(member)
    assert reverse("services:my_claims") in _links(client, reverse("services:wish_wall"))


def test_every_link_of_those_pages_opens_for_the_role(client):
    c = build_city()
    for user in (user_with(Role.COMMUNITY, c.a.area), user_with(Role.GRID, c.a.area), member_user(c.a.members[1])):
        client.force_login(user)
        for page in ("requests:list", "services:wish_list", "services:wish_wall", "reporting:index"):
            response = client.get(reverse(page))
            if response.status_code != 200:
                continue  # the page itself is not this role's
            for name in ("requests:my_tasks", "services:my_claims", "reporting:agreement_list"):
                if reverse(name) in response.content.decode():
                    assert client.get(reverse(name)).status_code == 200, (user.username, page, name)


def test_breadcrumbs_link_only_the_pages_the_user_may_open(client):
    """A breadcrumb is a link like any other: a member on their own development record and a grid
    worker on the 共建协议 list see the trail, its refused steps as plain text (the crawl's dead
    links to /org/development/ and /services/reporting/)."""
    from organizations.development.choices import Stage
    from organizations.development.tests.factories import ensure_rules, make_case

    c = build_city()
    ensure_rules()
    user = member_user(c.a.members[0])
    case = make_case(c.a.branch, name=c.a.members[0].name, member=c.a.members[0], stage=Stage.PROBATIONARY)
    client.force_login(user)
    page = _links(client, reverse("organizations:development_case_detail", args=[case.pk]))
    assert 'data-testid="breadcrumb"' in page
    assert f'href="{reverse("organizations:development_index")}"' not in page
    assert f'href="{reverse("organizations:development_case_list")}"' not in page
    assert reverse("organizations:development_case_notice", args=[case.pk]) not in page

    client.force_login(user_with(Role.GRID, c.a.compound))  # a compound holds no community's 双报到
    agreements = _links(client, reverse("reporting:agreement_list"))
    assert f'href="{reverse("reporting:index")}"' not in agreements

    client.force_login(user_with(Role.COMMUNITY, c.a.area))
    page = _links(client, reverse("organizations:development_case_detail", args=[case.pk]))
    assert f'href="{reverse("organizations:development_index")}"' in page  # a cadre follows the trail
