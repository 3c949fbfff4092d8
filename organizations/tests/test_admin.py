"""Django admin: trees as trees, personal data masked, logs read-only, grants on the user page."""
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dangjian.audit import record
from dangjian.models import AuditEvent
from organizations.accounts.models import LoginAttempt
from organizations.grants.models import Grant
from organizations.imports.models import ImportJob
from organizations.members.models import Member, PersonalDataAccess
from organizations.tests.factories import ResidentUnitFactory, UserFactory, grant
from organizations.units.models import ResidentUnit

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_admin_refuses_non_staff(client, city):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_permissions_cannot_open_members(client, city):
    user = UserFactory()
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get(changelist(Member)).status_code == 403


def test_area_and_org_changelists_show_indented_trees(admin_client, city):
    response = admin_client.get(changelist(type(city.city)))
    assert response.status_code == 200
    html = response.content.decode()
    # Depth-first order: the building comes right after its compound, indented deeper.
    assert html.index("甲社区") < html.index("甲小区") < html.index("甲1号楼") < html.index("乙社区")
    assert "padding-left:" in html or "padding-left: " in html
    response = admin_client.get(changelist(type(city.city_org)), {"kind__exact": "group"})
    html = response.content.decode()
    assert "甲1号楼党小组" in html and "甲社区党委" not in html


def test_area_search_by_code(admin_client, city):
    response = admin_client.get(changelist(type(city.city)), {"q": city.a.building.code})
    result = list(response.context["cl"].result_list)
    assert result == [city.a.building]


def test_member_changelist_is_masked(admin_client, city):
    response = admin_client.get(changelist(Member))
    assert response.status_code == 200
    html = response.content.decode()
    for m in city.a.members + city.b.members:
        assert m.phone not in html and m.id_number not in html
        assert m.phone_masked in html and m.id_number_masked in html
    assert "phone_hash" not in html


def test_member_change_form_never_renders_personal_data_and_blank_keeps_it(admin_client, city):
    member = city.a.members[0]
    url = reverse("admin:organizations_member_change", args=[member.pk])
    response = admin_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert member.phone not in html and member.id_number not in html
    assert "id_number_hash" not in html
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"name": "后台改名", "phone": "", "id_number": "", "in_service": ""})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.name == "后台改名"
    assert member.phone == city.a.members[0].phone and member.id_number == city.a.members[0].id_number
    event = AuditEvent.objects.get(verb="admin.member.update")
    assert "phone" not in event.changes["fields"]


def test_member_change_form_validates_phone(admin_client, city):
    member = city.a.members[0]
    url = reverse("admin:organizations_member_change", args=[member.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"phone": "12", "in_service": ""})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "有效的11位手机号码" in response.content.decode()


def test_resident_unit_changelist_masks_contact_phone(admin_client, city):
    ResidentUnitFactory(community=city.a.area, contact_phone="13712345678")
    html = admin_client.get(changelist(ResidentUnit)).content.decode()
    assert "13712345678" not in html and "137****5678" in html


def test_user_page_has_grant_inline(admin_client, city):
    user = UserFactory(username="cadre-x")
    grant(user, "community", city.a.area)
    response = admin_client.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "grants-TOTAL_FORMS" in html
    assert "授权" in html


def test_grant_admin_lists_grants(admin_client, city):
    user = UserFactory(username="cadre-y")
    grant(user, "grid", city.b.area)
    response = admin_client.get(changelist(Grant), {"role__exact": "grid"})
    assert [g.user.username for g in response.context["cl"].result_list] == ["cadre-y"]


@pytest.mark.parametrize("model", [PersonalDataAccess, LoginAttempt, ImportJob, AuditEvent])
def test_logs_are_read_only(admin_client, city, model):
    app, name = model._meta.app_label, model._meta.model_name
    response = admin_client.get(changelist(model))
    assert response.status_code == 200
    assert reverse(f"admin:{app}_{name}_add") not in response.content.decode()
    assert admin_client.get(reverse(f"admin:{app}_{name}_add")).status_code == 403


def test_audit_event_detail_is_view_only(admin_client, city):
    event = record(None, "area.create", city.city, {})
    url = reverse("admin:dangjian_auditevent_change", args=[event.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert admin_client.post(url, {"verb": "tampered"}).status_code == 403
    event.refresh_from_db()
    assert event.verb == "area.create"
    assert admin_client.post(reverse("admin:dangjian_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_personal_data_access_log_readable(admin_client, city):
    viewer = get_user_model().objects.get(username="root")
    PersonalDataAccess.objects.create(user=viewer, member=city.a.members[0], fields="phone,id_number", channel="web")
    response = admin_client.get(changelist(PersonalDataAccess))
    assert city.a.members[0].name in response.content.decode()
