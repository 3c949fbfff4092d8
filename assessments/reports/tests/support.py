"""Helpers of the report tests (no tests here): a city with a district cadre, a street
cadre and the cadres of communities 甲 and 乙, reports made through the real actions."""
from dataclasses import dataclass

from assessments.reports import actions
from assessments.reports.choices import FieldType
from assessments.scoring import periods
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with

PERIOD = "2026-Q3"
FIGURES = ("members.count", "life.compliance", "wishes.fulfilment")


@dataclass
class World:
    city: object
    district: object  # the district cadre
    street: object
    a_cadre: object
    b_cadre: object


def make_world(city=None) -> World:
    c = city or build_city()
    return World(c, user_with(Role.DISTRICT, c.district), user_with(Role.STREET, c.street),
                 user_with(Role.COMMUNITY, c.a.area), user_with(Role.COMMUNITY, c.b.area))


def area_field(w, name="社区党群服务中心面积", **kw):
    kw.setdefault("definition", "社区党群服务中心的建筑面积，按产权证或租赁合同填写。")
    kw.setdefault("value_type", FieldType.DECIMAL)
    kw.setdefault("unit", "平方米")
    return actions.field_create(actor=w.district, area=w.city.district, name=name, **kw)


def community_report(w, *, name="季度社区党建工作表", figures=FIGURES, fields=(), period=PERIOD, publish=True, actor=None):
    actor = actor or w.district
    columns = [{"figure": code} for code in figures] + [{"field": f} for f in fields]
    report = actions.report_create(actor=actor, name=name, within=w.city.district, subject_level="community",
                                   period_key=period, columns=columns)
    if publish:
        report = actions.report_publish(actor=actor, report=report)
    return report


def quarter():
    return periods.parse(PERIOD)
