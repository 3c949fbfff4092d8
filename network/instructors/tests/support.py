"""The instructors' test world: ``build_city`` (communities 甲 ``w.a`` and 乙 ``w.b`` under
one street) and helpers making instructors, units and assignments."""
import itertools
from datetime import date

from network.instructors.models import Instructor, InstructorAssignment
from organizations.tests.factories import ResidentUnitFactory

_n = itertools.count(1)


def instructor(area, **fields):
    fields.setdefault("name", f"指导员{next(_n)}")
    fields.setdefault("source", "retired")
    fields.setdefault("appointed_on", date(2025, 1, 1))
    return Instructor.objects.create(area=area, **fields)


def unit(community, kind="private_enterprise", party_org=None, **fields):
    return ResidentUnitFactory(community=community.area if hasattr(community, "area") else community,
                               kind=kind, party_org=party_org, **fields)


def assign(who, where, started_on=date(2025, 1, 1), **fields):
    return InstructorAssignment.objects.create(instructor=who, unit=where, started_on=started_on, **fields)
