"""Helpers for the request tests (no tests here): requests moved through the real actions,
grid workers and volunteer teams of a ``build_city()`` community."""
import itertools

from grids.grids.models import Grid
from grids.teams.choices import TeamRole
from grids.teams.models import GridTeamMember
from organizations.tests.factories import UserFactory
from services.requests import actions
from services.requests.models import RequestCategory, VolunteerTeam
from services.tests.factories import PASSWORD, cadre, member_user, new_phone

_serial = itertools.count(1)

__all__ = ["PASSWORD", "cadre", "member_user", "new_phone"]


def category(code="general"):
    return RequestCategory.objects.get(code=code)


def order(community, *, name="刘淑珍", phone=None, text="楼道灯坏了，晚上看不见", code="general", **extra):
    return actions.request_submit(
        community=community.area if hasattr(community, "area") else community,
        building=extra.pop("building", getattr(community, "building", None)),
        category=category(code), text=text, name=name, phone=phone or new_phone(), address="", **extra,
    )


def worker(community, *, username=None, role=TeamRole.WORKER):
    n = next(_serial)
    grid = Grid.objects.create(community=community.area, code=f"G-R{n:05d}", name=f"第{n}网格")
    user = UserFactory(username=username or f"worker-{n}", password=PASSWORD)
    return GridTeamMember.objects.create(grid=grid, role=role, user=user, display_name=f"网格员{n}")


def team(community, members, *, leader=None, name=None):
    t = VolunteerTeam.objects.create(community=community.area, name=name or f"志愿服务队{next(_serial)}",
                                     leader=leader)
    t.members.set(members)
    return t


def dispatched_to_member(community, member_user_, *, by=None, **kwargs):
    req = order(community, **kwargs)
    return actions.request_dispatch(actor=by or cadre(community), request=req, member=member_user_.member)


def accepted_by_member(community, member_user_, **kwargs):
    req = dispatched_to_member(community, member_user_, **kwargs)
    return actions.request_accept(actor=member_user_, request=req)


def resolved_by_member(community, member_user_, **kwargs):
    req = accepted_by_member(community, member_user_, **kwargs)
    return actions.request_resolve(actor=member_user_, request=req, note="已更换灯泡")


def fresh_member_user(member):
    return member_user(member, f"rm-{member.pk}-{next(_serial)}")
