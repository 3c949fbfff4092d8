"""Demo reports (``seed_demo``): a district's quarterly community table with three catalogue
figures and one new field (the service centre's floor area), and a street's yearly table of
its compound branches — both published and computed through the real actions, the new field
filled for some communities (the demo community account's own left to fill: it waits in its
home queue as 待填报表)."""
from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from assessments.figures.choices import FigureLevel
from assessments.reports import actions
from assessments.reports.choices import FieldType, PeriodKind
from assessments.reports.models import Report, ReportField
from assessments.scoring import periods
from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory

AREA_FIELD = "社区党群服务中心面积"
COMMUNITY_REPORT = "季度社区党建工作表"
BRANCH_REPORT = "年度小区党支部表"


def flush_reports(area_trees) -> None:
    """Reports and fields protect their areas: removed before the demo trees."""
    from assessments.reports.models import FieldValue

    if not area_trees:
        return
    Report.objects.filter(trees.in_trees_q(area_trees, "area")).delete()
    FieldValue.objects.filter(field__in=ReportField.objects.filter(trees.in_trees_q(area_trees, "area"))).delete()
    ReportField.objects.filter(trees.in_trees_q(area_trees, "area")).delete()


def seed_reports(*, district_user, district, street_user, street, community=None, rng=None, today=None) -> dict:
    """The two example reports (only when missing); returns what was made."""
    rng = rng or random.Random(16)
    today = today or timezone.localdate()
    made = {"reports": 0, "filled": 0}
    quarter = periods.previous(periods.containing(PeriodKind.QUARTER, today))
    field = ReportField.objects.filter(area=district, name=AREA_FIELD).first()
    if field is None:
        field = actions.field_create(
            actor=district_user, area=district, name=AREA_FIELD, value_type=FieldType.DECIMAL, unit="平方米",
            definition="社区党群服务中心的建筑面积（平方米），按产权证或租赁合同填写；多处阵地合计。",
            fill_level=FigureLevel.COMMUNITY, period_kind=PeriodKind.YEAR)
    if not Report.objects.filter(area=district, name=COMMUNITY_REPORT).exists():
        report = actions.report_create(
            actor=district_user, name=COMMUNITY_REPORT, within=district, subject_level=FigureLevel.COMMUNITY,
            period_key=quarter.key, due_on=today + timedelta(days=14),
            columns=[{"figure": "members.count"}, {"figure": "life.compliance"}, {"figure": "wishes.fulfilment"},
                     {"field": field, "label": "社区党群服务中心面积（平方米）"}],
            note="各社区只需填写党群服务中心面积，其余各列由平台根据业务记录计算。")
        actions.report_publish(actor=district_user, report=report)
        made["reports"] += 1
        key = periods.containing(PeriodKind.YEAR, quarter.start).key
        communities = list(Area.objects.filter(trees.subtree_q(street), level=AreaLevel.COMMUNITY).order_by("pk"))
        # the demo community account fills its own (its home queue); the street fills half of the others
        others = [a for a in communities if community is None or a.pk != community.pk]
        for area in others[: (len(others) + 1) // 2]:
            value = Decimal(rng.randrange(300, 1600))
            actions.field_values_save(actor=street_user, subject=area,
                                      values={actions.entry_name(field.pk, key): str(value)})
            made["filled"] += 1
        actions.report_compute(actor=district_user, report=report, inline=True)
    if not Report.objects.filter(area=street, name=BRANCH_REPORT).exists():
        year = periods.containing(PeriodKind.YEAR, today)
        report = actions.report_create(
            actor=street_user, name=BRANCH_REPORT, within=street, subject_level=FigureLevel.ORG,
            org_category=OrgCategory.COMPOUND, period_key=year.key,
            columns=[{"figure": "members.count"}, {"figure": "life.activities"}, {"figure": "life.compliance"},
                     {"figure": "dues.paid"}])
        actions.report_publish(actor=street_user, report=report)
        made["reports"] += 1
    return made
