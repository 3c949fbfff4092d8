"""Open311 as a GeoReport client from 2011 speaks to it (issue 12): the singular ``service/<code>``
path, ``api_key`` in the query string, XML parsed with ``xml.etree``, no phone, no community code
(only ``address_string`` or ``lat``/``long``), ``service_code`` lists, the 90-day window, and
GeoReport errors (never HTML) for paths and formats it does not know."""
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from dangjian.crypto import keyed_hash
from organizations.tests.factories import build_city
from services.open311.models import Open311Key
from services.requests.choices import RequestSource
from services.requests.models import ServiceRequest
from services.requests.tests.test_support import order
from services.tests.factories import published
from services.wishes.models import Wish

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
API_KEY = "key-of-a-2011-client"


@pytest.fixture
def c():
    city = build_city()
    Open311Key.objects.create(name="老客户端", key_hash=keyed_hash(API_KEY))
    return city


def _get_xml(client, path, **params):
    response = client.get(f"{BASE}/{path}", params)
    assert response["Content-Type"].startswith("text/xml"), response.content[:200]
    return response, ET.fromstring(response.content)


def _post_xml(client, *, key_in_query=True, **fields):
    """Form-encoded POST to requests.xml, the key in the query string as that client sends it."""
    url = f"{BASE}/requests.xml" + (f"?{urlencode({'api_key': API_KEY})}" if key_in_query else "")
    response = client.post(url, {"service_code": "req-general", "description": "小区路灯不亮", **fields})
    assert response["Content-Type"].startswith("text/xml")
    return response, ET.fromstring(response.content)


def test_the_singular_service_path_answers_the_definition_with_community_values(client, c):
    response, root = _get_xml(client, "service/req-general.xml")
    assert response.status_code == 200 and root.tag == "service_definition"
    assert root.findtext("service_code") == "req-general"
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("code") == "community" and attribute.findtext("datatype") == "singlevaluelist"
    values = {v.findtext("key"): v.findtext("name") for v in attribute.findall("values/value")}
    assert values[c.a.area.code] == f"{c.street.name} {c.a.area.name}" and c.b.area.code in values
    plural = client.get(f"{BASE}/services/req-general.json").json()
    assert [v["key"] for v in plural["attributes"][0]["values"]] == list(values)
    response, root = _get_xml(client, "service/nope.xml")
    assert response.status_code == 404 and root.tag == "errors" and root.findtext("error/code") == "404"


def test_post_with_the_key_in_the_query_string_and_no_phone(client, c):
    response, root = _post_xml(client, **{"attribute[community]": c.a.area.code})
    assert response.status_code == 200, response.content
    req = ServiceRequest.objects.get()
    assert root.findtext("request/service_request_id") == f"R-{req.code}"
    assert req.source == RequestSource.OPEN311 and req.requester_phone == "" and req.community == c.a.area


def test_a_key_in_neither_place_is_refused(client, c):
    response, root = _post_xml(client, key_in_query=False, **{"attribute[community]": c.a.area.code})
    assert response.status_code == 403 and root.findtext("error/code") == "403"


def test_a_given_phone_must_still_be_a_mobile_number(client, c):
    response, root = _post_xml(client, phone="12", **{"attribute[community]": c.a.area.code})
    assert response.status_code == 400 and "phone" in root.findtext("error/description")


def test_a_wish_without_a_phone(client, c):
    response, root = _post_xml(client, service_code="wish-material", address_id=c.a.building.code,
                               description="想要一台收音机")
    assert response.status_code == 200
    assert root.findtext("request/service_request_id") == f"W-{Wish.objects.get().code}"


def test_the_community_is_resolved_from_address_string(client, c):
    response, _root = _post_xml(client, address_string=f"{c.street.name}{c.b.area.name}幸福路8号")
    assert response.status_code == 200
    assert ServiceRequest.objects.get().community == c.b.area


def test_the_community_is_resolved_from_coordinates_near_an_earlier_request(client, c):
    earlier = order(c.b)
    ServiceRequest.objects.filter(pk=earlier.pk).update(lat=Decimal("39.912000"), long=Decimal("116.401000"))
    response, _root = _post_xml(client, lat="39.9125", long="116.4015")  # some 70 m away
    assert response.status_code == 200
    assert ServiceRequest.objects.exclude(pk=earlier.pk).get().community == c.b.area


def test_an_unresolvable_place_is_a_georeport_error(client, c):
    earlier = order(c.b)
    ServiceRequest.objects.filter(pk=earlier.pk).update(lat=Decimal("39.912000"), long=Decimal("116.401000"))
    response, root = _post_xml(client, lat="31.2304", long="121.4737", address_string="某地某路")  # far away
    assert response.status_code == 400 and root.tag == "errors"
    assert "attribute[community]" in root.findtext("error/description")
    assert ServiceRequest.objects.count() == 1


def test_service_code_lists(client, c):
    general, emergency = order(c.a, code="general"), order(c.a, code="emergency")
    utilities = order(c.a, code="utilities")
    wish = published(c.a)
    _response, root = _get_xml(client, "requests.xml", service_code="req-general,req-emergency")
    ids = {r.findtext("service_request_id") for r in root.findall("request")}
    assert ids == {f"R-{general.code}", f"R-{emergency.code}"}
    _response, root = _get_xml(client, "requests.xml", service_code="wish-material, req-utilities")
    ids = {r.findtext("service_request_id") for r in root.findall("request")}
    assert ids == {f"W-{wish.code}", f"R-{utilities.code}"}
    response, root = _get_xml(client, "requests.xml", service_code="req-general,req-nothing")
    assert response.status_code == 404 and "req-nothing" in root.findtext("error/description")


def test_the_90_day_window(client, c):
    recent, old = order(c.a), order(c.a)
    long_ago = timezone.now() - timedelta(days=200)
    ServiceRequest.objects.filter(pk=old.pk).update(created_at=long_ago)
    _response, root = _get_xml(client, "requests.xml")
    assert {r.findtext("service_request_id") for r in root.findall("request")} == {f"R-{recent.code}"}
    start = (long_ago - timedelta(days=1)).isoformat()  # a start alone: the 90 days from it
    _response, root = _get_xml(client, "requests.xml", start_date=start)
    assert {r.findtext("service_request_id") for r in root.findall("request")} == {f"R-{old.code}"}


@pytest.mark.parametrize("path, status", [
    ("requests.csv", 400), ("requests.html", 400), ("services", 400), ("service/req-general.txt", 400),
    ("nothing.json", 404), ("requests/R-ABC/extra.json", 404),
])
def test_unknown_formats_and_paths_are_json_georeport_errors(client, c, path, status):
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == status and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body[0]) == {"code", "description"} and body[0]["code"] == status


def test_an_unknown_xml_path_is_an_xml_error(client, c):
    response, root = _get_xml(client, "nothing/here.xml")
    assert response.status_code == 404 and root.tag == "errors" and root.findtext("error/code") == "404"


def test_reading_back_by_id_in_xml(client, c):
    _response, root = _post_xml(client, **{"attribute[community]": c.a.area.code})
    rid = root.findtext("request/service_request_id")
    response, root = _get_xml(client, f"requests/{rid}.xml")
    assert response.status_code == 200 and root.findtext("request/service_request_id") == rid
    assert root.findtext("request/status") == "open"
    _response, root = _get_xml(client, f"tokens/{rid}.xml")
    assert root.findtext("request/token") == rid
