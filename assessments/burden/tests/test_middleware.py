"""The typed side: the middleware counts a successful write's non-blank values, once."""
import json

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from assessments.burden.models import EntryTally
from dangjian import burden
from dangjian.testing.clients import api_client, logged_in
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


def _total(area=None):
    rows = EntryTally.objects.all() if area is None else EntryTally.objects.filter(area=area)
    return sum(rows.values_list("count", flat=True))


def _area_form(client, data):
    return client.post(reverse("organizations:area_create"), data)


@pytest.fixture
def cadre(city):
    return user_with(Role.COMMUNITY, city.a.area)


def test_a_saved_form_counts_its_non_blank_fields_not_the_token(city, cadre):
    client = logged_in(cadre, Client(enforce_csrf_checks=False))
    response = _area_form(client, {
        "name": "新建小区", "level": AreaLevel.COMPOUND, "parent": city.a.area.pk, "code": "NEWP001",
        "address": "", "households": "", "csrfmiddlewaretoken": "x" * 64, "next": "/org/",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    tally = EntryTally.objects.get()
    assert (tally.area_id, tally.channel, tally.source) == (city.a.area.pk, "form", "organizations:area_create")
    assert tally.count == 4  # name, level, parent, code — not the blanks, the token nor next


def test_a_refused_form_answered_with_its_errors_counts_nothing(city, cadre):
    client = logged_in(cadre)
    response = _area_form(client, {"name": "", "level": AreaLevel.COMPOUND, "parent": city.a.area.pk, "code": ""})
    assert response.status_code in (200, 400)
    assert _total() == 0


def test_a_get_counts_nothing(city, cadre):
    logged_in(cadre).get(reverse("organizations:area_create"), {"name": "x", "code": "y"})
    assert _total() == 0


def test_a_login_counts_nothing(city, cadre):
    cadre.set_password("pw-for-the-test-1")
    cadre.save()
    response = Client().post(reverse("login"), {"username": cadre.username, "password": "pw-for-the-test-1"})
    assert response.status_code == 302
    assert _total() == 0


def test_a_party_member_typing_is_not_the_communitys(city):
    member = user_with(Role.MEMBER, city.a.area)
    burden.typed(user=member, count=5, channel="form", source="x")
    assert _total() == 0


def test_a_grid_workers_typing_counts_for_the_community_holding_the_compound(city):
    grid = user_with(Role.GRID, city.a.compound)
    burden.typed(user=grid, count=3, channel="form", source="grids:diary_create")
    assert EntryTally.objects.get().area_id == city.a.area.pk


def test_a_street_cadres_typing_counts_for_the_street(city):
    street = user_with(Role.STREET, city.street)
    burden.typed(user=street, count=2, channel="form", source="x")
    assert EntryTally.objects.get().area_id == city.street.pk


def test_an_organization_grant_counts_for_the_community_of_its_anchor(city):
    cadre = user_with(Role.COMMUNITY, city.a.branch)  # the branch is anchored at 甲's compound
    burden.typed(user=cadre, count=2, channel="form", source="x")
    assert EntryTally.objects.get().area_id == city.a.area.pk


def test_counts_add_up_on_one_key(city, cadre):
    for n in (2, 3):
        burden.typed(user=cadre, count=n, channel="form", source="same")
    assert EntryTally.objects.get().count == 5


def test_the_form_rule_leaves_out_controls_and_counts_files():
    from django.core.files.uploadedfile import SimpleUploadedFile

    request = RequestFactory().post("/x/", {
        "name": "a", "note": "  ", "tags": ["", "b"], "csrfmiddlewaretoken": "t", "action": "save", "page": "2",
        "q": "find", "_save": "1", "form-TOTAL_FORMS": "3", "file": SimpleUploadedFile("a.txt", b"x"),
    })
    assert burden.count_form(request.POST, request.FILES) == 3  # name, tags, the file


def test_the_json_rule_counts_non_null_top_level_keys():
    assert burden.count_json(json.dumps({"a": 1, "b": None, "c": "", "d": {"x": 1}}).encode()) == 3
    assert burden.count_json(json.dumps([{"a": 1}, {"a": 1, "b": 2}]).encode()) == 3
    assert burden.count_json(b"not json") == 0


def test_an_api_write_counts_its_json_keys_and_a_refused_one_nothing(city, cadre):
    client = api_client(cadre)
    refused = client.post("/api/areas/", {"name": "", "level": AreaLevel.COMPOUND, "parent": city.a.area.pk},
                          format="json")
    assert refused.status_code == 400
    assert _total() == 0
    response = client.post("/api/areas/", {"name": "接口小区", "level": AreaLevel.COMPOUND, "parent": city.a.area.pk,
                                           "code": "APIP001"}, format="json")
    assert response.status_code == 201, response.content.decode()[:1000]
    tally = EntryTally.objects.get()
    assert (tally.channel, tally.source, tally.count, tally.area_id) == ("api", "area-list", 4, city.a.area.pk)


def test_the_middleware_never_breaks_the_response(city, cadre, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("the meter is down")

    monkeypatch.setattr(burden, "typed", boom)
    response = _area_form(logged_in(cadre), {"name": "又一小区", "level": AreaLevel.COMPOUND, "parent": city.a.area.pk,
                                             "code": "NEWP002"})
    assert response.status_code == 302


def _through_middleware(user, response, *, path="/grids/diary/new/", data=None):
    from django.http import HttpResponse

    request = RequestFactory().post(path, data or {"note": "入户走访", "grid": "3"})
    request.user = user
    answer = response if isinstance(response, HttpResponse) else HttpResponse(status=response)
    return burden.TypedValuesMiddleware(lambda r: answer)(request)


def test_an_htmx_form_counts_when_it_answers_with_a_redirect_header(city, cadre):
    from django.http import HttpResponse

    _through_middleware(cadre, 200)  # the form answered again (its errors): nothing
    _through_middleware(cadre, 403)
    assert _total() == 0
    redirected = HttpResponse(status=200)
    redirected["HX-Redirect"] = "/grids/diary/"
    _through_middleware(cadre, redirected)
    assert _total() == 2
    _through_middleware(cadre, 302, path="/w/new/")  # a resident's public page: never counted
    _through_middleware(cadre, 302, path="/accounts/password/")
    assert _total() == 2


def test_a_redirect_that_flashes_a_refusal_counts_nothing(city, cadre):
    from django.contrib import messages
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponseRedirect

    def run(level):
        request = RequestFactory().post("/services/whistles/1/resolve/", {"note": "已处理"})
        request.user = cadre
        request._messages = CookieStorage(request)

        def view(r):
            messages.add_message(r, level, "…")
            return HttpResponseRedirect("/services/whistles/1/")

        burden.TypedValuesMiddleware(view)(request)

    run(messages.ERROR)
    run(messages.WARNING)
    assert _total() == 0
    run(messages.SUCCESS)
    assert _total() == 1
