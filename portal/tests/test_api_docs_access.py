"""``/api/schema/`` and ``/api/docs/``: public only where ``API_DOCS_PUBLIC`` is on (development);
otherwise for signed-in staff users — anonymous callers and signed-in non-staff users are
refused, a browser is sent to the login page (issue 12, finding 10)."""
import pytest
from django.test import Client, override_settings

from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def cadre(city):
    return user_with(Role.DISTRICT, city.district)


@override_settings(API_DOCS_PUBLIC=False)
def test_closed_schema_and_docs_refuse_anonymous_and_non_staff(cadre):
    schema = _client().get("/api/schema/")
    assert schema.status_code == 401
    assert schema.json()["detail"]
    docs = _client().get("/api/docs/")
    assert docs.status_code == 302
    assert docs["Location"].startswith("/accounts/login/")
    script = _client().get("/api/docs/?script=")
    assert script.status_code == 302
    assert _client(cadre).get("/api/schema/").status_code == 403
    refused = _client(cadre).get("/api/docs/")
    assert refused.status_code == 403
    assert "接口文档" in refused.json()["detail"]


@override_settings(API_DOCS_PUBLIC=False)
def test_closed_schema_and_docs_open_to_signed_in_staff():
    staff = _client(UserFactory(is_staff=True))
    assert staff.get("/api/schema/", {"format": "json"}).json()["paths"]
    page = staff.get("/api/docs/")
    assert page.status_code == 200
    assert b"swagger-ui" in page.content
    script = staff.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


@override_settings(API_DOCS_PUBLIC=True)
def test_open_schema_and_docs_for_everyone():
    assert _client().get("/api/schema/", {"format": "json"}).status_code == 200
    assert _client().get("/api/docs/").status_code == 200


def test_production_closes_and_development_opens_the_docs():
    from pathlib import Path

    settings_dir = Path(__file__).resolve().parents[2] / "dangjian" / "settings"
    assert 'API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)' in (settings_dir / "base.py").read_text()
    assert "API_DOCS_PUBLIC" not in (settings_dir / "production.py").read_text()
    assert 'API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=True)' in (settings_dir / "local.py").read_text()
