"""Admin writes go the portal's way: a tree node saved or deleted in the admin goes through the
areas/orgs actions (scope check, ``lock_tree_writes``, validation, audit event); a grant
added, changed or deleted in the admin — on the grants' page, inline on a user's page, or by
the "delete selected" action — leaves an audit event."""
from unittest import mock

import pytest
from django.urls import reverse

from dangjian import trees
from dangjian.models import AuditEvent
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.orgs.models import PartyOrg
from organizations.tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def locks():
    """Every ``lock_tree_writes`` call, by model (the real lock still runs)."""
    calls = []
    real = trees.lock_tree_writes

    def spy(model):
        calls.append(model)
        return real(model)

    with mock.patch("organizations.areas.actions.lock_tree_writes", spy), \
            mock.patch("organizations.orgs.actions.lock_tree_writes", spy), \
            mock.patch("organizations.admin.lock_tree_writes", spy):
        yield calls


def form_data(client, url, **changes):
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data.update(changes)
    return data


# ------------------------------------------------------------------------------ areas
def test_admin_area_create_and_update_go_through_the_actions(admin_client, city, locks):
    response = admin_client.post(reverse("admin:organizations_area_add"), {
        "name": "后台小区", "code": "ADM0001", "level": AreaLevel.COMPOUND, "parent": city.a.area.pk,
        "address": "", "households": "0", "building_use": "",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    area = Area.objects.get(code="ADM0001")
    assert area.parent == city.a.area and Area.objects.get(pk=city.a.area.pk).get_descendants().filter(pk=area.pk).exists()
    assert locks == [Area]
    assert AuditEvent.objects.filter(verb="area.create", target_id=str(area.pk)).exists()

    url = reverse("admin:organizations_area_change", args=[area.pk])
    response = admin_client.post(url, form_data(admin_client, url, name="后台小区二", parent=city.b.area.pk))
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.name == "后台小区二" and area.parent == city.b.area
    assert locks == [Area, Area]
    event = AuditEvent.objects.get(verb="area.update", target_id=str(area.pk))
    assert set(event.changes) == {"name", "parent"}


def test_admin_area_delete_goes_through_the_action(admin_client, city, locks):
    leaf = Area.objects.create(name="空楼", code="ADM0002", level=AreaLevel.BUILDING, parent=city.a.compound)
    response = admin_client.post(reverse("admin:organizations_area_delete", args=[leaf.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Area.objects.filter(pk=leaf.pk).exists()
    assert locks == [Area]
    assert AuditEvent.objects.filter(verb="area.delete", target_id=str(leaf.pk)).exists()


def test_admin_bulk_delete_of_areas_goes_through_the_action(admin_client, city, locks):
    leaves = [Area.objects.create(name=f"空楼{i}", code=f"ADM01{i}", level=AreaLevel.BUILDING, parent=city.a.compound)
              for i in range(2)]
    response = admin_client.post(reverse("admin:organizations_area_changelist"), {
        "action": "delete_selected", "_selected_action": [a.pk for a in leaves], "post": "yes"})
    assert response.status_code == 302
    assert not Area.objects.filter(pk__in=[a.pk for a in leaves]).exists()
    assert locks == [Area, Area]
    assert AuditEvent.objects.filter(verb="area.delete").count() == 2


# ------------------------------------------------------------------------------ organizations
def test_admin_org_update_and_delete_take_the_tree_lock_and_are_audited(admin_client, city, locks):
    org = PartyOrg.objects.filter(parent__isnull=False).order_by("-pk").first()
    url = reverse("admin:organizations_partyorg_change", args=[org.pk])
    response = admin_client.post(url, form_data(admin_client, url, name="后台改名党支部"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    org.refresh_from_db()
    assert org.name == "后台改名党支部"
    assert locks == [PartyOrg]
    assert AuditEvent.objects.filter(verb="org.update", target_id=str(org.pk)).exists()

    leaf = PartyOrg.objects.create(name="后台小组", code="ADMORG1", kind=org.kind, category=org.category,
                                   area=org.area, parent=org)
    response = admin_client.post(reverse("admin:organizations_partyorg_delete", args=[leaf.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not PartyOrg.objects.filter(pk=leaf.pk).exists()
    assert locks == [PartyOrg, PartyOrg]
    assert AuditEvent.objects.filter(verb="org.delete", target_id=str(leaf.pk)).exists()


# ------------------------------------------------------------------------------ grants
def user_form(user) -> dict:
    return {"username": user.username, "first_name": "", "last_name": "", "email": "", "is_active": "on",
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"), "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "last_login_0": "", "last_login_1": ""}


def test_grants_changed_inline_on_a_users_page_are_audited(admin_client, city):
    user = UserFactory(username="cadre-z")
    existing = grant(user, Role.COMMUNITY, city.a.area)
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = user_form(user)
    data.update({
        "grants-TOTAL_FORMS": "2", "grants-INITIAL_FORMS": "1", "grants-MIN_NUM_FORMS": "0", "grants-MAX_NUM_FORMS": "1000",
        "grants-0-id": existing.pk, "grants-0-user": user.pk, "grants-0-role": Role.STREET, "grants-0-area": city.street.pk,
        "grants-0-org": "", "grants-0-is_active": "on", "grants-0-note": "",
        "grants-1-user": user.pk, "grants-1-role": Role.GRID, "grants-1-area": city.b.area.pk, "grants-1-org": "",
        "grants-1-is_active": "on", "grants-1-note": "新增",
    })
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    created = Grant.objects.get(user=user, role=Role.GRID)
    update = AuditEvent.objects.get(verb="admin.grant.update", target_id=str(existing.pk))
    assert set(update.changes["fields"]) >= {"role", "area"}
    assert AuditEvent.objects.filter(verb="admin.grant.create", target_id=str(created.pk)).exists()

    data = user_form(user)
    rows = list(Grant.objects.filter(user=user).order_by("pk"))
    data.update({"grants-TOTAL_FORMS": str(len(rows)), "grants-INITIAL_FORMS": str(len(rows)),
                 "grants-MIN_NUM_FORMS": "0", "grants-MAX_NUM_FORMS": "1000"})
    for i, row in enumerate(rows):
        data.update({f"grants-{i}-id": row.pk, f"grants-{i}-user": user.pk, f"grants-{i}-role": row.role,
                     f"grants-{i}-area": row.area_id, f"grants-{i}-org": "", f"grants-{i}-is_active": "on",
                     f"grants-{i}-note": row.note})
    data["grants-1-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert not Grant.objects.filter(pk=created.pk).exists()
    assert AuditEvent.objects.filter(verb="admin.grant.delete", target_id=str(created.pk)).exists()


def test_grants_deleted_by_the_bulk_action_are_audited(admin_client, city):
    user = UserFactory(username="cadre-w")
    rows = [grant(user, Role.GRID, city.a.area), grant(user, Role.GRID, city.b.area)]
    response = admin_client.post(reverse("admin:organizations_grant_changelist"), {
        "action": "delete_selected", "_selected_action": [g.pk for g in rows], "post": "yes"})
    assert response.status_code == 302
    assert not Grant.objects.filter(user=user).exists()
    assert {e.target_id for e in AuditEvent.objects.filter(verb="admin.grant.delete")} == {str(g.pk) for g in rows}


def test_grant_added_on_the_grants_page_is_audited(admin_client, city):
    user = UserFactory(username="cadre-v")
    response = admin_client.post(reverse("admin:organizations_grant_add"), {
        "user": user.pk, "role": Role.GRID, "area": city.a.area.pk, "org": "", "is_active": "on", "note": ""})
    assert response.status_code == 302
    created = Grant.objects.get(user=user)
    assert AuditEvent.objects.filter(verb="admin.grant.create", target_id=str(created.pk)).exists()
