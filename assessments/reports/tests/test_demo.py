"""The demo reports: two published and computed reports, the new field filled for some
communities but not the demo community's own (it waits in its queue); idempotent."""
import pytest

from assessments.reports import selectors
from assessments.reports.demo import BRANCH_REPORT, COMMUNITY_REPORT, seed_reports
from assessments.reports.models import FieldValue, Report, ReportCell
from assessments.reports.tests import support as s
from organizations.tests.factories import build_community

pytestmark = pytest.mark.django_db


def test_seed_defines_publishes_computes_and_fills_some(city):
    w = s.make_world(city)
    build_community(city.street, city.street_org, "丙", 1)
    build_community(city.street, city.street_org, "丁", 1)
    made = seed_reports(district_user=w.district, district=city.district, street_user=w.street, street=city.street,
                        community=city.a.area)
    assert made["reports"] == 2 and made["filled"] >= 1
    community, branches = Report.objects.get(name=COMMUNITY_REPORT), Report.objects.get(name=BRANCH_REPORT)
    assert community.status == branches.status == "published" and community.computed_at and branches.computed_at
    assert ReportCell.objects.filter(report=community).count() == 4 * 4
    assert ReportCell.objects.filter(report=branches).count() == 4 * 4
    assert not FieldValue.objects.filter(area=city.a.area).exists()
    assert list(selectors.awaiting_fill(w.a_cadre)) == [community]
    again = seed_reports(district_user=w.district, district=city.district, street_user=w.street, street=city.street)
    assert again == {"reports": 0, "filled": 0} and Report.objects.count() == 2
