"""Factories for the grids app, on top of ``organizations.tests.factories.build_city``."""
import io
import itertools

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grids.diary.choices import DiaryCategory, DiaryKind, DiaryStatus
from grids.diary.models import DiaryEntry
from grids.grids.models import Grid, GridArea
from grids.teams.choices import TeamRole
from grids.teams.models import GridTeamMember
from organizations.areas.choices import AreaLevel
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import AreaFactory, CentralHouseholdFactory, MemberFactory, PartyOrgFactory

_serial = itertools.count(1)


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    code = factory.Sequence(lambda n: f"G{n:06d}")
    name = factory.Sequence(lambda n: f"第{n}网格")


class GridAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GridArea


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GridTeamMember

    role = "worker"
    display_name = factory.Sequence(lambda n: f"志愿者{n}")


class DiaryEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiaryEntry

    kind = DiaryKind.VISIT
    category = DiaryCategory.HOME_VISIT
    text = "入户走访，了解住户近况。"
    occurred_on = factory.LazyFunction(timezone.localdate)
    status = DiaryStatus.RECORDED


def grid_over(community_area, *places, branch=None, name=None):
    """A grid of ``community_area`` covering ``places`` (compounds or buildings)."""
    grid = GridFactory(community=community_area, party_branch=branch, **({"name": name} if name else {}))
    for place in places:
        GridAreaFactory(grid=grid, area=place)
    return grid


def add_compound(community, *, buildings=1, households=10, branch=True, groups=0, name=None):
    """A compound under ``community`` (a factories.Community) with ``buildings`` buildings,
    a compound branch when ``branch`` and a party group on the first ``groups`` buildings.
    Returns (compound, [buildings], branch or None)."""
    n = next(_serial)
    compound = AreaFactory(
        name=name or f"{community.area.name}增补小区{n}", level=AreaLevel.COMPOUND, parent=community.area
    )
    org = None
    if branch:
        org = PartyOrgFactory(
            kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND, area=compound, parent=community.committee,
            name=f"{compound.name}党支部",
        )
    made = []
    for i in range(buildings):
        building = AreaFactory(
            name=f"{i + 1}号楼", level=AreaLevel.BUILDING, parent=compound, households=households
        )
        made.append(building)
        if i < groups and org is not None:
            PartyOrgFactory(kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP, area=building, parent=org,
                            name=f"{compound.name}{i + 1}号楼党小组")
    return compound, made, org


def central_household(community, building, linked):
    member = MemberFactory(organization=community.branch, residence=building)
    return CentralHouseholdFactory(member=member, building=building, linked_households=linked)


def png_bytes(size=(8, 8), color=(200, 30, 30), fmt="PNG", noise=False) -> bytes:
    """A real picture made with Pillow (``noise`` makes it incompressible, i.e. large)."""
    import os

    from PIL import Image

    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def png_upload(name="photo.png", **kwargs):
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def coverage_world(city):
    """build_city plus, in community A: a second compound (two buildings, a branch, a party
    group on the first building), a third compound (three buildings, no branch, no group)
    and a commercial building directly under the community; grids

    * g1 covers 甲小区 (linked to its branch),
    * g2 covers the second compound's first building only (no branch),
    * g3 covers the commercial building (linked to the second compound's branch),
    * gb covers 乙小区 in community B (linked to its branch);

    and central households linking 30 + 5 households in 甲1号楼 (24 households: capped),
    4 in the second compound's first building, 10 in 乙1号楼."""
    a = city.a
    city.p2, (city.b21, city.b22), city.br2 = add_compound(a, buildings=2, groups=1, name="二期")
    city.p3, city.b3s, _ = add_compound(a, buildings=3, branch=False, name="三期")
    city.tower = AreaFactory(name="商务楼", level=AreaLevel.BUILDING, parent=a.area, households=5)
    city.g1 = grid_over(a.area, a.compound, branch=a.branch, name="甲小区网格")
    city.g2 = grid_over(a.area, city.b21, name="二期网格")
    city.g3 = grid_over(a.area, city.tower, branch=city.br2, name="商务楼网格")
    city.gb = grid_over(city.b.area, city.b.compound, branch=city.b.branch, name="乙小区网格")
    central_household(a, a.building, 30)
    central_household(a, a.building, 5)
    central_household(a, city.b21, 4)
    central_household(city.b, city.b.building, 10)
    return city


def grow_world(world, n):
    """n more compounds in community A, each with two buildings, a branch, a party group, a
    grid with a team of three and two diary entries, and a central household."""
    for _ in range(n):
        compound, buildings, branch = add_compound(world.a, buildings=2, groups=1)
        grid = grid_over(world.a.area, compound, branch=branch)
        central_household(world.a, buildings[0], 5)
        for role in (TeamRole.CHIEF, TeamRole.LEADER, TeamRole.VOLUNTEER):
            TeamMemberFactory(grid=grid, role=role)
        TeamMemberFactory(grid=world.g1, role=TeamRole.VOLUNTEER)
        DiaryEntryFactory(grid=grid, building=buildings[0])
        DiaryEntryFactory(grid=world.g1, building=world.a.building)
