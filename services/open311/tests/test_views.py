"""Open311 GeoReport v2: every resource in JSON and XML against the spec's field lists,
errors with their HTTP status, filters, api_key, rate limits, no personal data, and a
fixed query count."""
from datetime import timedelta
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from dangjian.crypto import keyed_hash
from dangjian.testing import assert_max_queries
from organizations.tests.factories import build_city
from services.open311.models import Open311Key
from services.requests.choices import RequestSource, RequestStatus
from services.requests.models import ServiceRequest
from services.requests.tests.test_support import member_user, order, resolved_by_member
from services.tests.budgets import BUDGETS
from services.tests.factories import cadre, published, submit
from services.wishes import actions as wish_actions
from services.wishes.models import Wish

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
DISCOVERY_FIELDS = {"changeset", "contact", "key_service", "endpoints"}
ENDPOINT_FIELDS = {"specification", "url", "changeset", "type", "formats"}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
DEFINITION_FIELDS = {"service_code", "attributes"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}
CREATED_FIELDS = {"service_request_id", "service_notice", "account_id"}
TOKEN_FIELDS = {"service_request_id", "token"}
ERROR_FIELDS = {"code", "description"}
API_KEY = "test-open311-key-123"
NAME, PHONE, ADDRESS = "周桂芳", "13811112222", "幸福路8号3单元402"


@pytest.fixture
def c():
    return build_city()


@pytest.fixture
def key(db):
    return Open311Key.objects.create(name="12345 热线", key_hash=keyed_hash(API_KEY))


def _json(client, path, **params):
    response = client.get(f"{BASE}/{path}.json", params)
    assert response["Content-Type"].startswith("application/json")
    return response, response.json()


def _xml(client, path, **params):
    response = client.get(f"{BASE}/{path}.xml", params)
    assert response["Content-Type"].startswith("text/xml")
    return response, ET.fromstring(response.content)


def _children(element):
    return {child.tag for child in element}


def _xml_rows(root, item):
    return [{child.tag: child for child in row} for row in root.findall(item)]


def _post(client, fmt="json", **fields):
    data = {"api_key": API_KEY, "service_code": "req-general", "description": "小区路灯不亮", "first_name": "桂芳",
            "last_name": "周", "phone": PHONE, **fields}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"{BASE}/requests.{fmt}", data)


# -------------------------------------------------------------------------- discovery
def test_discovery_in_both_formats(client):
    response, body = _json(client, "discovery")
    assert response.status_code == 200 and set(body) == DISCOVERY_FIELDS
    assert set(body["endpoints"][0]) == ENDPOINT_FIELDS
    assert body["endpoints"][0]["url"].endswith("/open311/v2/")
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    response, root = _xml(client, "discovery")
    assert root.tag == "discovery" and _children(root) == DISCOVERY_FIELDS
    endpoint = root.find("endpoints/endpoint")
    assert _children(endpoint) == ENDPOINT_FIELDS
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


# --------------------------------------------------------------------------- services
def test_service_list_has_wishes_and_every_active_category(client):
    _response, body = _json(client, "services")
    codes = [row["service_code"] for row in body]
    assert codes == ["wish-material", "wish-spiritual", "req-emergency", "req-utilities", "req-general", "req-complex"]
    assert all(set(row) == SERVICE_FIELDS for row in body)
    assert all(row["type"] == "realtime" and row["metadata"] is True for row in body)
    _response, root = _xml(client, "services")
    assert root.tag == "services" and [s.findtext("service_code") for s in root.findall("service")] == codes
    assert all(_children(s) == SERVICE_FIELDS for s in root.findall("service"))
    assert root.find("service/metadata").text == "true"


def test_service_definition_and_unknown_service(client):
    response, body = _json(client, "services/req-general")
    assert response.status_code == 200 and set(body) == DEFINITION_FIELDS and body["service_code"] == "req-general"
    assert set(body["attributes"][0]) == ATTRIBUTE_FIELDS and body["attributes"][0]["code"] == "community"
    _response, root = _xml(client, "services/wish-material")
    assert root.tag == "service_definition" and _children(root) == DEFINITION_FIELDS
    assert _children(root.find("attributes/attribute")) == ATTRIBUTE_FIELDS
    response, body = _json(client, "services/nope")
    assert response.status_code == 404 and set(body[0]) == ERROR_FIELDS and body[0]["code"] == 404
    response, root = _xml(client, "services/nope")
    assert response.status_code == 404 and root.tag == "errors" and root.findtext("error/code") == "404"


# --------------------------------------------------------------------------- requests
def _world(c):
    member = member_user(c.a.members[0])
    req = resolved_by_member(c.a, member, name=NAME, phone=PHONE)
    ServiceRequest.objects.filter(pk=req.pk).update(lat=Decimal("39.912345"), long=Decimal("116.401234"),
                                                    address=ADDRESS)
    waiting = order(c.b, name=NAME, phone=PHONE, code="emergency")
    wish = published(c.a, name=NAME, phone=PHONE)
    hidden = submit(c.a, name=NAME, phone=PHONE)  # not reviewed yet: not listed
    return req, waiting, wish, hidden


def test_requests_list_fields_status_and_no_personal_data(client, c):
    req, waiting, wish, hidden = _world(c)
    response, body = _json(client, "requests")
    assert response.status_code == 200
    ids = [row["service_request_id"] for row in body]
    assert set(ids) == {f"R-{req.code}", f"R-{waiting.code}", f"W-{wish.code}"}
    assert ids[0] == f"W-{wish.code}"  # newest first
    assert all(set(row) == REQUEST_FIELDS for row in body)
    rows = {row["service_request_id"]: row for row in body}
    done = rows[f"R-{req.code}"]
    assert done["status"] == "closed" and done["status_notes"] == "已办结 · 由一名党员承办"
    assert done["service_code"] == "req-general" and done["lat"] == 39.912 and done["long"] == 116.401
    assert done["address"] == f"{c.a.area.name} {c.a.compound.name} {c.a.building.name}"
    assert done["address_id"] == c.a.building.code and done["media_url"] == ""
    assert done["expected_datetime"] == timezone.localtime(req.resolve_due).isoformat(timespec="seconds")
    assert done["requested_datetime"].endswith("+08:00")
    assert rows[f"R-{waiting.code}"]["status"] == "open" and rows[f"R-{waiting.code}"]["status_notes"] == "待派单"
    assert rows[f"W-{wish.code}"]["status"] == "open" and rows[f"W-{wish.code}"]["expected_datetime"] is None
    text = response.content.decode()
    for secret in (NAME, PHONE, PHONE[-4:], ADDRESS, c.a.members[0].name, "39.912345"):
        assert secret not in text
    response, root = _xml(client, "requests")
    assert root.tag == "service_requests"
    xml_rows = _xml_rows(root, "request")
    assert len(xml_rows) == 3 and all(set(row) == REQUEST_FIELDS for row in xml_rows)
    assert xml_rows[0]["service_request_id"].text == f"W-{wish.code}"
    assert xml_rows[0]["lat"].text is None  # empty element for a missing value
    text = response.content.decode()
    for secret in (NAME, PHONE, ADDRESS, c.a.members[0].name):
        assert secret not in text


def test_filters_by_id_service_status_and_dates(client, c):
    req, waiting, wish, hidden = _world(c)
    _r, body = _json(client, "requests", service_request_id=f"R-{req.code},W-{hidden.code},R-NOSUCH")
    assert {row["service_request_id"] for row in body} == {f"R-{req.code}", f"W-{hidden.code}"}  # by id: any wish
    _r, body = _json(client, "requests", service_code="req-emergency")
    assert [row["service_request_id"] for row in body] == [f"R-{waiting.code}"]
    _r, body = _json(client, "requests", service_code="wish-material")
    assert [row["service_request_id"] for row in body] == [f"W-{wish.code}"]
    _r, body = _json(client, "requests", status="closed")
    assert [row["service_request_id"] for row in body] == [f"R-{req.code}"]
    _r, body = _json(client, "requests", status="open")
    assert {row["service_request_id"] for row in body} == {f"R-{waiting.code}", f"W-{wish.code}"}
    old = timezone.now() - timedelta(days=120)
    ServiceRequest.objects.filter(pk=waiting.pk).update(created_at=old)
    _r, body = _json(client, "requests")  # default: the last 90 days
    assert f"R-{waiting.code}" not in {row["service_request_id"] for row in body}
    start = (old - timedelta(days=1)).isoformat()
    end = (old + timedelta(days=1)).isoformat()
    _r, body = _json(client, "requests", start_date=start, end_date=end)
    assert [row["service_request_id"] for row in body] == [f"R-{waiting.code}"]
    _r, body = _json(client, "requests", start_date=timezone.localdate(old).isoformat(),
                     end_date=timezone.localdate(old).isoformat())  # W3C date-only: the whole day
    assert [row["service_request_id"] for row in body] == [f"R-{waiting.code}"]


@pytest.mark.parametrize("params", [
    {"start_date": "yesterday"}, {"status": "pending"},
    {"start_date": "2026-05-02T00:00:00+08:00", "end_date": "2026-05-01T00:00:00+08:00"},
])
def test_bad_search_parameters_are_400_in_both_formats(client, c, params):
    response, body = _json(client, "requests", **params)
    assert response.status_code == 400 and set(body[0]) == ERROR_FIELDS and body[0]["code"] == 400
    response, root = _xml(client, "requests", **params)
    assert response.status_code == 400 and root.tag == "errors" and root.findtext("error/code") == "400"
    assert root.findtext("error/description")


def test_unknown_service_code_in_search_is_404(client):
    response, body = _json(client, "requests", service_code="req-nothing")
    assert response.status_code == 404 and body[0]["code"] == 404


def test_single_request_and_token(client, c):
    req, _waiting, wish, _hidden = _world(c)
    response, body = _json(client, f"requests/R-{req.code}")
    assert response.status_code == 200 and len(body) == 1 and set(body[0]) == REQUEST_FIELDS
    _response, root = _xml(client, f"requests/W-{wish.code}")
    assert root.tag == "service_requests" and root.findtext("request/service_request_id") == f"W-{wish.code}"
    response, body = _json(client, f"requests/R-{wish.code}")  # the prefix matters
    assert response.status_code == 404 and body[0]["code"] == 404
    response, body = _json(client, f"requests/{req.pk}")  # never the database id
    assert response.status_code == 404
    response, body = _json(client, f"tokens/R-{req.code}")
    assert body == [{"service_request_id": f"R-{req.code}", "token": f"R-{req.code}"}]
    assert set(body[0]) == TOKEN_FIELDS
    response, root = _xml(client, "tokens/R-NOSUCHCODE")
    assert response.status_code == 404 and root.tag == "errors"


# -------------------------------------------------------------------------------- POST
def test_post_creates_a_request_with_the_community_attribute(client, c, key):
    response = _post(client, **{"attribute[community]": c.a.area.code, "lat": "39.9", "long": "116.4",
                                "address_string": ADDRESS, "media_url": "http://example.com/x.jpg"})
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 1 and set(body[0]) == CREATED_FIELDS and body[0]["account_id"] is None
    req = ServiceRequest.objects.get()
    assert body[0]["service_request_id"] == f"R-{req.code}" and "7 天内办结" in body[0]["service_notice"]
    assert req.source == RequestSource.OPEN311 and req.community == c.a.area and req.status == RequestStatus.SUBMITTED
    assert req.requester_name == NAME and req.requester_phone == PHONE and req.address == ADDRESS
    assert req.lat == Decimal("39.9") and not req.photo
    assert NAME not in response.content.decode() and PHONE not in response.content.decode()
    # and the resident follows it on the public status page with the same code
    assert client.get(f"/r/{req.code}/").status_code == 200


def test_post_with_a_building_address_id_in_xml(client, c, key):
    response = _post(client, fmt="xml", address_id=c.a.building.code)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests" and _children(root.find("request")) == CREATED_FIELDS
    req = ServiceRequest.objects.get()
    assert req.building == c.a.building and req.community == c.a.area


def test_post_a_wish(client, c, key):
    response = _post(client, service_code="wish-spiritual", address_id=c.a.building.code, description="想学用手机")
    assert response.status_code == 200
    wish = Wish.objects.get()
    assert response.json()[0]["service_request_id"] == f"W-{wish.code}" and wish.kind == "spiritual"


@pytest.mark.parametrize("fields, status, fragment", [
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "wrong"}, 403, "api_key"),
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "req-nothing"}, 404, "req-nothing"),
    ({}, 400, "attribute[community]"),
    ({"attribute[community]": "NOPE"}, 400, "NOPE"),
    ({"address_id": "NOPE"}, 400, "NOPE"),
    ({"lat": "north"}, 400, "lat"),
    ({"community": True, "phone": "12"}, 400, "phone"),
    ({"community": True, "description": ""}, 400, "description"),
])
def test_post_errors(client, c, key, fields, status, fragment):
    if fields.pop("community", False):
        fields["attribute[community]"] = c.a.area.code
    response = _post(client, **fields)
    body = response.json()
    assert response.status_code == status and set(body[0]) == ERROR_FIELDS and body[0]["code"] == status
    assert fragment in body[0]["description"]
    assert not ServiceRequest.objects.exists()


def test_inactive_key_is_refused(client, c, key):
    key.is_active = False
    key.save()
    response = _post(client, **{"attribute[community]": c.a.area.code}, fmt="xml")
    assert response.status_code == 403 and ET.fromstring(response.content).findtext("error/code") == "403"


def test_posts_are_rate_limited(client, c, key, settings):
    settings.OPEN311_POST_IP_LIMIT = (2, 3600)
    for i in range(2):
        assert _post(client, **{"attribute[community]": c.a.area.code, "phone": f"1381111000{i}"}).status_code == 200
    response = _post(client, **{"attribute[community]": c.a.area.code})
    assert response.status_code == 429 and response.json()[0]["code"] == 429 and response["Retry-After"]
    assert ServiceRequest.objects.count() == 2


def test_wrong_method_is_405(client):
    response = client.delete(f"{BASE}/requests.json")
    assert response.status_code == 405 and response.json()[0]["code"] == 405


@pytest.mark.parametrize("size", [2, 10])
def test_list_query_count_is_fixed(client, c, size):
    member = member_user(c.a.members[0], f"o311-{size}")
    boss = cadre(c.a, f"o311-cadre-{size}")
    for i in range(size):
        if i % 2:
            resolved_by_member(c.a, member, text=f"诉求{i}")
        else:
            order(c.b, text=f"诉求{i}")
        wish_actions.wish_publish(actor=boss, wish=submit(c.a))
    with assert_max_queries(BUDGETS["open311:requests"]):
        response = client.get(f"{BASE}/requests.json")
    assert response.status_code == 200 and len(response.json()) == 2 * size
    with assert_max_queries(BUDGETS["open311:requests"]):
        assert client.get(f"{BASE}/requests.xml").status_code == 200


def test_single_request_query_count_is_fixed(client, c):
    """``requests/{id}`` of a resolved request and of a published wish, in both formats, within the budget."""
    member = member_user(c.a.members[0], "o311-one")
    req = resolved_by_member(c.a, member)
    wish = published(c.a)
    for path in (f"requests/R-{req.code}", f"requests/W-{wish.code}"):
        for fmt in ("json", "xml"):
            with assert_max_queries(BUDGETS["open311:request"]):
                assert client.get(f"{BASE}/{path}.{fmt}").status_code == 200
