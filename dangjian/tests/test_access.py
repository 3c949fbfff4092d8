"""dangjian.access: a page's rule refuses the view (login redirect, 403 page) and is read back
by ``may_open`` for the menu — the same function, without a request."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from dangjian.access import declare_access, may_open, page_access, rule_for, rule_of
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db


def is_street(user):
    from dangjian.scoping import get_scope

    return get_scope(user).has_role(Role.STREET)


@page_access(is_street, "只有街道可以打开")
def street_page(request):
    return HttpResponse("街道的页面")


def call(view, user):
    request = RequestFactory().get("/some/page/?x=1")
    request.user = user
    return view(request)


def test_the_rule_refuses_anonymous_visitors_and_other_roles_before_the_view(city):
    response = call(street_page, AnonymousUser())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "next=/some/page/%3Fx%3D1" in response["Location"]
    response = call(street_page, user_with(Role.COMMUNITY, city.a.area))
    assert response.status_code == 403
    assert "只有街道可以打开" in response.content.decode() and "街道的页面" not in response.content.decode()
    response = call(street_page, user_with(Role.STREET, city.street))
    assert response.status_code == 200 and response.content.decode() == "街道的页面"


def test_the_rule_stays_readable_through_outer_decorators():
    from django.contrib.auth.decorators import login_required
    from django.views.decorators.cache import never_cache

    assert rule_of(street_page) is is_street
    assert rule_of(never_cache(login_required(street_page))) is is_street
    assert rule_of(declare_access(is_street)(lambda request: None)) is is_street


def test_may_open_asks_the_rule_of_the_view_a_url_name_leads_to(city):
    member = user_with(Role.MEMBER, city.a.area)
    cadre = user_with(Role.COMMUNITY, city.a.area)
    assert may_open(cadre, "services:wish_list") and not may_open(member, "services:wish_list")
    assert not may_open(AnonymousUser(), "services:wish_list")
    assert may_open(AnonymousUser(), "services:wish_submit")  # a public page is open to anyone
    assert may_open(UserFactory(), "organizations:area_detail", (city.a.area.pk,))  # the object is scoped (404)


def test_a_page_without_a_rule_cannot_be_put_in_a_menu():
    with pytest.raises(ImproperlyConfigured, match="declares no page rule"):
        rule_for("healthz")
