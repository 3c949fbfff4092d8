"""Shared helpers of the whistle tests (no tests here): a small world with departments,
a resident unit, responder accounts and cadres, and whistles moved through the actions."""
import itertools
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from organizations.grants.choices import Role
from organizations.tests.factories import ResidentUnitFactory, UserFactory, build_city, user_with
from services.whistles import actions as whistle_actions
from services.whistles.models import Department, Responder

_serial = itertools.count(1)
PASSWORD = "pass-123456"


@dataclass
class World:
    c: object  # organizations.tests.factories.City
    housing: Department  # 住建局 of the district
    urban: Department  # 城管局 of the district
    power: Department  # 供电所 of the street
    unit_a: object  # a resident unit in community a
    unit_b: object  # a resident unit in community b
    housing_user: object
    urban_user: object
    unit_a_user: object
    cadre_a: object  # community a
    cadre_b: object  # community b
    street_cadre: object
    district_cadre: object


def responder(department=None, unit=None, username=None):
    # "duty<n>" never resembles PASSWORD (a "resp-<n>" of four or more digits did, and the
    # password validators refused it once enough responders had been made in one process)
    user = UserFactory(username=username or f"duty{next(_serial)}", password=PASSWORD)
    Responder.objects.create(user=user, department=department, unit=unit)
    return user


def build_world() -> World:
    c = build_city()
    housing = Department.objects.create(name="住建局", area=c.district, phone="0415-1234567")
    urban = Department.objects.create(name="城管局", area=c.district)
    power = Department.objects.create(name="供电所", area=c.street)
    unit_a = ResidentUnitFactory(name=f"甲社区卫生院{next(_serial)}", community=c.a.area)
    unit_b = ResidentUnitFactory(name=f"乙社区学校{next(_serial)}", community=c.b.area)
    return World(
        c=c, housing=housing, urban=urban, power=power, unit_a=unit_a, unit_b=unit_b,
        housing_user=responder(housing), urban_user=responder(urban), unit_a_user=responder(unit=unit_a),
        cadre_a=user_with(Role.COMMUNITY, c.a.area), cadre_b=user_with(Role.COMMUNITY, c.b.area),
        street_cadre=user_with(Role.STREET, c.street), district_cadre=user_with(Role.DISTRICT, c.district),
    )


def whistle(w: World, *, actor=None, area=None, departments=None, units=(), title="老旧小区雨污管网堵塞", **kwargs):
    return whistle_actions.whistle_create(
        actor=actor or w.cadre_a, area=area or w.c.a.area, title=title,
        description=kwargs.pop("description", "3号楼下水道反复堵塞，需住建、城管联合处置。"),
        departments=[w.housing] if departments is None else departments, units=units, **kwargs,
    )


def target_of(whistle_, party):
    from services.whistles.models import Department as Dept

    if isinstance(party, Dept):
        return whistle_.targets.get(department=party)
    return whistle_.targets.get(unit=party)


def in_hours(hours):
    return timezone.now() + timedelta(hours=hours)
