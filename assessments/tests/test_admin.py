"""Admin for activity types, rule sets (rules inline) and activities (attendance inline)."""
from datetime import date

import pytest
from django.urls import reverse

from assessments.life.models import Activity, ActivityType, RuleSet
from assessments.tests.factories import activity, ensure_default_rules
from dangjian.models import AuditEvent
from services.ledger.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_rules(db):
    """Transactional tests (browser, races) flush the rows of the data migration; every
    test here starts with the default activity types and rule set in place."""
    ensure_default_rules()


def test_changelists_and_change_pages(admin_client, city):
    obj = activity(city.a.branch, "theme_party_day", date(2026, 5, 8), present=city.a.members)
    for model in (ActivityType, RuleSet, Activity):
        response = admin_client.get(reverse(f"admin:assessments_{model._meta.model_name}_changelist"))
        assert response.status_code == 200
    html = admin_client.get(reverse("admin:assessments_ruleset_change", args=[RuleSet.objects.get().pk])).content.decode()
    assert html.count('name="rules-') > 13 and "支部党员大会" in html
    html = admin_client.get(reverse("admin:assessments_activity_change", args=[obj.pk])).content.decode()
    assert 'name="attendance-0-status"' in html and obj.signin_token in html


def test_attendance_edited_in_the_admin_counts_service(admin_client, city):
    obj = activity(city.a.branch, "vanguard_day", date(2026, 5, 29), service_hours=2, present=city.a.members[:1])
    row = obj.attendance.get()
    url = reverse("admin:assessments_activity_change", args=[obj.pk])
    data = {
        "org": obj.org_id, "activity_type": obj.activity_type_id, "topic": obj.topic,
        "starts_at_0": "2026-05-29", "starts_at_1": "09:00:00", "ends_at_0": "2026-05-29", "ends_at_1": "11:00:00",
        "place": obj.place, "step": "", "service_hours": "2.0", "minutes": "", "decisions": "",
        "attendance-TOTAL_FORMS": "2", "attendance-INITIAL_FORMS": "1", "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
        "attendance-0-id": row.pk, "attendance-0-activity": obj.pk, "attendance-0-member": city.a.members[0].pk,
        "attendance-0-status": "present", "attendance-0-reason": "", "attendance-0-via": "roster",
        "attendance-1-activity": obj.pk, "attendance-1-member": city.a.members[1].pk,
        "attendance-1-status": "present", "attendance-1-reason": "", "attendance-1-via": "roster",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0", "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert sorted(ServiceRecord.objects.values_list("member_id", flat=True)) == sorted(m.pk for m in city.a.members)
    assert AuditEvent.objects.filter(verb="admin.activity.update").exists()
