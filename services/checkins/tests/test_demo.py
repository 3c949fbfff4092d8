import random
from datetime import date

import pytest

from dangjian.testing import count_queries
from organizations.orgs.choices import OrgCategory
from organizations.tests.factories import build_city
from services.checkins import selectors
from services.checkins.choices import AgreementStatus
from services.checkins.demo import seed_reporting
from services.checkins.models import CoBuildAgreement, MemberReport
from services.checkins.tests.test_actions import make_in_service, unit_org
from services.tests.budgets import BUDGETS

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


def test_seed_reporting_pairs_district_units_and_reports_most_members():
    c = build_city()
    organs = [unit_org(c, name=f"机关{i}党支部", area=c.district) for i in range(3)]
    unit_org(c, name="两新党支部", category=OrgCategory.NEW_ECONOMY, area=c.district)  # not an organ/enterprise
    for community in (c.a, c.b):
        for _ in range(20):
            make_in_service(community)
    ids = [c.a.area.pk, c.b.area.pk]
    queries = count_queries(lambda: seed_reporting(rng=random.Random(3), community_ids=ids, today=TODAY))
    agreements = CoBuildAgreement.objects.all()
    assert 2 <= agreements.count() <= 6 and {a.org_id for a in agreements} <= {o.pk for o in organs}
    for a in agreements.prefetch_related("branches"):
        assert a.ends_on >= a.starts_on and a.status == (AgreementStatus.ENDED if a.ends_on < TODAY else AgreementStatus.ACTIVE)
        assert [b.pk for b in a.branches.all()] == [c.a.branch.pk if a.community_id == c.a.area.pk else c.b.branch.pk]
    rates = selectors.reporting_rates(ids, TODAY)
    for area_id in ids:
        reported, in_service = rates[area_id]
        assert in_service == 20 and 10 <= reported < 20  # most, some expired or never
    statuses = {m.report_status for m in selectors.community_board(c.a.area, on_date=TODAY, year=2026)}
    assert statuses == {"valid", "expired", "never"}
    assert all(r.valid_until > r.reported_on for r in MemberReport.objects.all())
    assert queries <= BUDGETS["services.checkins.demo.seed_reporting"]
    # running again adds no agreements and no duplicate reports
    before = (agreements.count(), MemberReport.objects.count())
    seed_reporting(rng=random.Random(3), community_ids=ids, today=TODAY)
    assert (CoBuildAgreement.objects.count(), MemberReport.objects.count()) == before


def test_seed_reporting_skips_districts_without_unit_orgs():
    c = build_city()
    make_in_service(c.a)
    totals = seed_reporting(rng=random.Random(1), community_ids=[c.a.area.pk, c.b.area.pk], today=TODAY)
    assert totals["communities_without_agreements"] == 2 and not CoBuildAgreement.objects.exists()
