"""The API answers JSON errors, never an HTML page: no route (404), a wrong method (405), an
unsupported media type (415), a CSRF failure of a session write (403), an uncaught error (500),
ids too large for the database; and the schema documents these answers (issue 12, finding 8)."""
import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from dangjian.testing import api_client, logged_in
from organizations.areas.api.views import AreaViewSet
from organizations.grants.choices import Role
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


def assert_json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body, dict) and body, body
    return body


@pytest.fixture
def cadre(city):
    return user_with(Role.DISTRICT, city.district)


@pytest.mark.parametrize("path", ["/api/no-such-endpoint/", "/api/areas/1/no-such-action/", "/api/areas/abc/"])
def test_no_route_under_api_is_json_404(path, cadre):
    assert "detail" in assert_json_error(Client().get(path), 404)
    assert "detail" in assert_json_error(logged_in(cadre).get(path), 404)


def test_no_route_outside_api_is_still_a_page(cadre):
    response = logged_in(cadre).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_ids_too_large_for_the_database_are_not_found_not_500(city, cadre):
    client = api_client(cadre)
    huge = "9" * 30
    assert_json_error(client.get(f"/api/areas/{huge}/"), 404)
    assert_json_error(client.get(f"/api/areas/?within={huge}"), 404)
    assert client.get(f"/api/diary/?grid={huge}").json()["count"] == 0
    assert client.get(f"/api/scores/?rubric={huge}").status_code == 200
    response = client.post("/api/orgs/", {"name": "x", "area": int(huge), "kind": "branch"}, format="json")
    assert response.status_code in (400, 404), response.content


def test_wrong_method_is_json_405(cadre):
    body = assert_json_error(api_client(cadre).delete("/api/orgs/"), 405)
    assert "detail" in body


def test_unsupported_media_type_is_json_415(cadre):
    response = api_client(cadre).post("/api/orgs/", data="name=x", content_type="text/plain")
    assert "detail" in assert_json_error(response, 415)


def test_csrf_failure_of_a_session_write_is_json_403(cadre):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cadre)
    response = client.post("/api/orgs/", data={"name": "x"}, content_type="application/json")
    assert "CSRF" in assert_json_error(response, 403)["detail"]


def test_anonymous_api_call_is_401_with_the_token_challenge():
    response = Client().get("/api/areas/")
    assert_json_error(response, 401)
    assert response["WWW-Authenticate"] == "Token"


def test_server_error_under_api_is_json_500(cadre, monkeypatch):
    def explode(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(AreaViewSet, "list", explode)
    client = Client(raise_request_exception=False)
    client.force_login(cadre)
    body = assert_json_error(client.get("/api/areas/"), 500)
    assert "boom" not in body["detail"]


def test_csrf_failure_of_a_page_is_still_a_page(cadre):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cadre)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


# ---------------------------------------------------------------- what the schema says
@pytest.fixture(scope="module")
def document():
    return SchemaGenerator().get_schema(request=None, public=True)


def _ref(response):
    return response["content"]["application/json"]["schema"]["$ref"]


def test_every_operation_documents_its_error_answers(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            label = f"{method.upper()} {path}"
            if "{" in path:
                assert "404" in responses, label
            if "requestBody" in operation:
                assert {"400", "415"} <= set(responses), label
            for code, response in responses.items():
                if code == "400" and _ref(response).endswith("/ValidationError"):
                    continue  # field errors (or a detail)
                if code.startswith("4"):  # the {"detail": …} shape, whatever its component's name
                    shape = document["components"]["schemas"][_ref(response).rsplit("/", 1)[1]]
                    assert shape["properties"]["detail"]["type"] == "string", (label, code, shape)
            if not path.startswith("/api/public/") and path not in ("/api/auth/token/",) and "request-categories" not in path:
                assert {"401", "403"} <= set(responses), label


def test_blank_choices_are_declared(document):
    """A read-only choice the model lets stay blank answers "": the schema says so."""
    schemas = document["components"]["schemas"]

    def allows_blank(prop):
        parts = [prop, *prop.get("allOf", []), *prop.get("oneOf", [])]
        for part in parts:
            if "" in part.get("enum", []):
                return True
            ref = part.get("$ref", "")
            if ref.endswith("/BlankEnum"):
                return True
        return False

    assert allows_blank(schemas["Checklist"]["properties"]["appraisal"])
    assert allows_blank(schemas["ServiceRequest"]["properties"]["rating"])
    assert allows_blank(schemas["ServiceRequest"]["properties"]["assignee_kind"])
    assert allows_blank(schemas["DiaryEntry"]["properties"]["converted_to"])
