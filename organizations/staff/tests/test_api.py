"""账号管理 over the API: the same rules as the pages (escalations refused, out of scope 404),
a one-time password in the answer that made it, never in a later one."""
from django.contrib.auth import get_user_model

from dangjian.testing import api_client
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.tests.factories import user_with


def test_street_creates_a_grid_worker_and_reads_the_password_once(world):
    client = api_client(world.street)
    response = client.post("/api/auth/accounts/", {"username": "api.grid", "display_name": "接口网格员",
                                              "role": Role.GRID, "area": world.c.a.compound.pk}, format="json")
    assert response.status_code == 201, response.content
    password = response.json()["one_time_password"]
    account = get_user_model().objects.get(username="api.grid")
    assert account.check_password(password)
    detail = client.get(f"/api/auth/accounts/{account.pk}/")
    assert detail.status_code == 200 and password not in detail.content.decode()
    assert [g["role"] for g in detail.json()["grants"]] == [Role.GRID]


def test_street_escalations_are_refused_over_the_api(world):
    client = api_client(world.street)
    higher = client.post("/api/auth/accounts/", {"username": "boss", "display_name": "越级", "role": Role.DISTRICT,
                                            "area": world.c.street.pk}, format="json")
    assert higher.status_code == 403
    outside = client.post("/api/auth/accounts/", {"username": "far", "display_name": "越界", "role": Role.COMMUNITY,
                                             "area": world.other.area.pk}, format="json")
    assert outside.status_code == 404
    assert client.post(f"/api/auth/accounts/{world.district.pk}/deactivate/").status_code == 404
    assert client.post(f"/api/auth/accounts/{world.street.pk}/deactivate/").status_code == 403
    cadre = user_with(Role.COMMUNITY, world.c.a.area, "api-cadre")
    assert client.post(f"/api/auth/accounts/{cadre.pk}/grants/", {"role": Role.STREET, "area": world.c.street.pk},
                       format="json").status_code == 403
    assert not get_user_model().objects.filter(username__in=["boss", "far"]).exists()
    assert list(Grant.objects.filter(user=cadre).values_list("role", flat=True)) == [Role.COMMUNITY]
    assert api_client(cadre).get("/api/auth/accounts/").status_code == 403


def test_revoke_reset_and_reactivate_over_the_api(world):
    client = api_client(world.street)
    cadre = user_with(Role.COMMUNITY, world.c.a.area, "api-revoked")
    grant = Grant.objects.get(user=cadre)
    assert client.post(f"/api/auth/accounts/{cadre.pk}/revoke/", {"grant": grant.pk}, format="json").status_code == 200
    grant.refresh_from_db()
    assert not grant.is_active
    reset = client.post(f"/api/auth/accounts/{cadre.pk}/reset-password/", {}, format="json")
    assert reset.status_code == 200 and reset.json()["one_time_password"]
    assert client.post(f"/api/auth/accounts/{cadre.pk}/deactivate/").json()["is_active"] is False
    assert client.post(f"/api/auth/accounts/{cadre.pk}/reactivate/").json()["is_active"] is True
