"""The admin shows rounds read-only, with their grades and history inline."""
import pytest
from django.urls import reverse

from assessments.appraisal.tests.support import YEAR, confirmed, make_world

pytestmark = pytest.mark.django_db


def test_changelist_and_change_page_read_only(admin_client):
    w = make_world()
    a = confirmed(w.city.a.branch, w.a_cadre, YEAR)
    assert admin_client.get(reverse("admin:assessments_appraisal_changelist")).status_code == 200
    html = admin_client.get(reverse("admin:assessments_appraisal_change", args=[a.pk])).content.decode()
    assert w.city.a.members[0].name in html and "合格" in html
    assert admin_client.get(reverse("admin:assessments_appraisal_add")).status_code == 403
