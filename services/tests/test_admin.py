"""Admin of the services app: configuration is editable (and audited), workflow objects are
read-only and never show a requester's phone in full."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.models import AuditEvent
from services.checkins.models import CoBuildAgreement, MemberReport
from services.ledger.models import ServiceRecord
from services.open311.models import Open311Key
from services.requests.models import RequestCategory, ServiceRequest, VolunteerTeam
from services.whistles.models import Department, Responder, Whistle, WhistleTarget
from services.wishes.models import Wish

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def test_every_services_changelist_opens(admin_client):
    for model in (Wish, ServiceRecord, RequestCategory, ServiceRequest, VolunteerTeam, Open311Key, Department, Responder,
                  Whistle, CoBuildAgreement, MemberReport):
        response = admin_client.get(reverse(f"admin:services_{model._meta.model_name}_changelist"))
        assert response.status_code == 200, model


def test_request_is_read_only_with_masked_phone(admin_client, city):
    now = timezone.now()
    request = ServiceRequest.objects.create(
        code="ADMINTEST01", community=city.a.area, requester_name="张三", requester_phone=PHONE,
        category=RequestCategory.objects.get(code="general"), text="楼道灯坏了",
        response_due=now + timedelta(days=1), resolve_due=now + timedelta(days=7),
    )
    html = admin_client.get(reverse("admin:services_servicerequest_change", args=[request.pk])).content.decode()
    assert PHONE not in html and "139****5678" in html
    response = admin_client.post(reverse("admin:services_servicerequest_change", args=[request.pk]), {"text": "改"})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.text == "楼道灯坏了"
    assert admin_client.get(reverse("admin:services_servicerequest_add")).status_code == 403


def test_category_limits_are_edited_and_audited(admin_client):
    category = RequestCategory.objects.get(code="emergency")
    response = admin_client.post(reverse("admin:services_requestcategory_change", args=[category.pk]), {
        "code": "emergency", "name": category.name, "response_minutes": 20, "resolve_minutes": 120,
        "description": category.description, "is_active": "on", "sort_order": category.sort_order,
    })
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.response_minutes == 20
    assert AuditEvent.objects.filter(verb="admin.requestcategory.update", target_id=str(category.pk)).exists()


def test_whistle_change_page_lists_targets(admin_client, city):
    now = timezone.now()
    department = Department.objects.create(name="住建局", area=city.district)
    whistle = Whistle.objects.create(
        code="WADMIN01", area=city.street, title="老旧管网漏水", description="多次维修未果",
        report_due=now + timedelta(hours=24), resolve_due=now + timedelta(days=7),
    )
    WhistleTarget.objects.create(whistle=whistle, department=department)
    html = admin_client.get(reverse("admin:services_whistle_change", args=[whistle.pk])).content.decode()
    assert "住建局" in html and "老旧管网漏水" in html
