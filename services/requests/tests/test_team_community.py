"""A new volunteer team without ``?community=`` typed into the address (issue 14): the team
list's 新建志愿服务队 leads to a first step that picks the community by searching, then to the
team form of that community; another community is refused on the step."""
import pytest
from django.urls import reverse

from dangjian.testing import logged_in
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with
from services.tests.factories import cadre

pytestmark = pytest.mark.django_db


def test_the_team_list_leads_to_a_community_picker_then_the_form():
    c = build_city()
    client = logged_in(cadre(c.a))
    create = reverse("requests:team_create")
    listing = client.get(reverse("requests:team_list")).content.decode()
    assert f'href="{create}"' in listing and "?community=社区编号" not in listing
    step = client.get(create)
    html = step.content.decode()
    assert step.status_code == 200
    assert f'data-picker="{reverse("organizations:pick_areas")}?level={AreaLevel.COMMUNITY}"' in html
    assert c.b.area.name not in html  # no list of communities up front
    picked = client.get(create, {"community_pick": c.a.area.pk})
    assert picked.status_code == 302 and picked["Location"] == f"{create}?community={c.a.area.pk}"
    assert client.get(picked["Location"]).status_code == 200
    refused = client.get(create, {"community_pick": c.b.area.pk})
    assert refused.status_code == 200 and "不在您的管辖范围内" in refused.content.decode()
    not_a_community = client.get(create, {"community_pick": c.a.compound.pk})
    assert "请选择社区" in not_a_community.content.decode()


def test_roles_that_keep_no_team_get_no_step():
    c = build_city()
    for role in (Role.GRID, Role.MEMBER):
        client = logged_in(user_with(role, c.a.area))
        assert client.get(reverse("requests:team_create")).status_code == 403
