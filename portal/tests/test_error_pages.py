"""The portal's error pages (issue 14): 400/403/404/429 in the portal layout and 500 standalone,
in Chinese, each with a way back; an anonymous visitor or a resident's page also gets the
tracking form; under /api/ the same errors stay JSON."""
import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from dangjian.api.exceptions import server_error
from dangjian.testing import logged_in
from organizations.grants.choices import Role
from organizations.tests.factories import user_with
from services.requests.tests.test_support import order
from services.tests.factories import cadre, submit

pytestmark = pytest.mark.django_db

HOME_LINK = 'data-testid="home-link" '


def page(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert 'lang="zh-CN"' in body and f'data-status="{status}"' in body
    assert 'href="/"' in body and 'data-testid="home-link"' in body  # the way back
    assert "Not Found" not in body and "Forbidden" not in body and "Server Error" not in body
    return body


def track_form(body):
    """The tracking form's action, or None when the page has none."""
    if 'data-testid="error-track"' not in body:
        return None
    start = body.index('data-testid="error-track"')
    form = body[start:body.index("</form>", start)]
    return form.split('action="', 1)[1].split('"', 1)[0]


# ---------------------------------------------------------------------------------- 404
def test_a_missing_page_is_the_chinese_404_with_the_tracking_form_for_anonymous():
    body = page(Client().get("/no-such-page/"), 404)
    assert "页面不存在" in body
    assert track_form(body) == reverse("services:wish_track")
    assert 'name="code"' in body


def test_a_missing_page_for_a_cadre_has_the_portal_menu_and_no_tracking_form(city):
    client = logged_in(user_with(Role.COMMUNITY, city.a.area))
    body = page(client.get("/no-such-page/", HTTP_REFERER="http://testserver/org/"), 404)
    assert "页面不存在" in body and 'id="mainnav"' in body
    assert track_form(body) is None
    assert 'href="http://testserver/org/" data-back' in body  # back to where the cadre came from


def test_no_back_link_to_another_site(city):
    body = page(Client().get("/no-such-page/", HTTP_REFERER="https://evil.example/x"), 404)
    assert "evil.example" not in body and "data-back" not in body


def test_an_out_of_scope_link_is_the_same_chinese_404_as_a_missing_one(city):
    wish = submit(city.b)
    client = logged_in(cadre(city.a))
    out_of_scope = page(client.get(reverse("services:wish_detail", args=[wish.pk])), 404)
    missing = page(client.get(reverse("services:wish_detail", args=[wish.pk + 1000])), 404)
    assert "页面不存在" in out_of_scope and "页面不存在" in missing
    assert wish.code not in out_of_scope


def test_a_wrong_code_in_a_status_link_is_the_404_with_the_code_in_the_tracking_form(city):
    body = page(Client().get("/r/NOSUCH42/"), 404)
    assert "没有找到查询码为“NOSUCH42”的心愿或诉求" in body
    assert track_form(body) == reverse("requests:track")  # a request's page: the requests' lookup
    assert 'value="NOSUCH42"' in body
    body = page(Client().get("/w/NOSUCH42/"), 404)
    assert track_form(body) == reverse("services:wish_track")


@pytest.mark.parametrize("name", ["services:wish_track", "requests:track"])
def test_a_wrong_code_on_the_tracking_form_is_a_field_error_with_the_code_kept(city, name):
    response = Client().get(reverse(name), {"code": "nosuch42"})
    assert response.status_code == 404
    form = response.context["form"]
    assert "没有找到查询码为“NOSUCH42”的记录" in form.errors["code"][0]
    body = response.content.decode()
    assert 'value="nosuch42"' in body and "is-invalid" in body


def test_a_right_code_on_the_tracking_form_still_leads_to_its_page(city):
    wish, req = submit(city.a), order(city.a)
    response = Client().get(reverse("services:wish_track"), {"code": wish.code.lower()})
    assert response.status_code == 302 and response["Location"] == reverse("services:wish_status", args=[wish.code])
    response = Client().get(reverse("requests:track"), {"code": req.code})
    assert response["Location"] == reverse("requests:public_status", args=[req.code])


def test_a_code_of_nothing_but_punctuation_is_a_field_error(city):
    response = Client().get(reverse("services:wish_track"), {"code": "---"})
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["请填写提交时得到的查询码。"]


# --------------------------------------------------------------------- 403, 400, 429, 500
@pytest.mark.urls("portal.tests.error_urls")
def test_permission_denied_is_the_chinese_403(city):
    body = page(Client().get("/refuse/"), 403)
    assert "无权访问" in body and track_form(body) is not None
    body = page(logged_in(user_with(Role.GRID, city.a.area)).get("/refuse/"), 403)
    assert "无权访问" in body and track_form(body) is None


@pytest.mark.urls("portal.tests.error_urls")
def test_a_bad_request_is_the_chinese_400():
    body = page(Client().get("/suspicious/"), 400)
    assert "请求无效" in body


@pytest.mark.urls("portal.tests.error_urls")
def test_the_generic_429_page_says_when_to_come_back():
    response = Client().get("/slow-down/")
    body = page(response, 429)
    assert "操作过于频繁，请稍后再试" in body
    assert response["Retry-After"] == "120"


@pytest.mark.urls("portal.tests.error_urls")
def test_an_uncaught_error_is_the_standalone_chinese_500():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    body = page(response, 500)
    assert "服务器出错了" in body and "刷新重试" in body
    assert "/static/css/app.css" in body and "boom" not in body
    assert response["Content-Security-Policy"]


def test_the_500_page_renders_without_a_database_or_a_request_context():
    """No ``django_db`` here: any query would fail the test (pytest-django blocks the database)."""
    response = server_error(RequestFactory().get("/somewhere/"))
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()


def test_a_csrf_failure_outside_the_api_is_a_chinese_page(city):
    client = Client(enforce_csrf_checks=True)
    body = page(client.post(reverse("login"), {"username": "x", "password": "y"}), 403)
    assert "页面已过期" in body


def test_a_refused_action_keeps_its_reason_on_the_same_layout(city):
    """The refusal page (dangjian.portal.forbidden) is the error layout with the action's reason."""
    grid = user_with(Role.GRID, city.a.area)
    response = logged_in(grid).get("/scores/")
    body = page(response, 403)
    assert "无权操作" in body and "无权查看考核评分" in body


# ------------------------------------------------------------------------ /api/ stays JSON
@pytest.mark.urls("portal.tests.error_urls")
@pytest.mark.parametrize(("path", "status"), [("/api/no-such-endpoint/", 404), ("/api/refuse/", 403),
                                              ("/api/boom/", 500)])
def test_errors_under_the_api_stay_json(path, status):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
