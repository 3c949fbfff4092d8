"""Writes for the grids app: one function per use case.

Every function takes keyword-only arguments and an explicit ``actor``; answers ``Http404``
when the object is outside the actor's subtree, ``PermissionDeniedError`` when the actor's
role may not do this there, and ``ValidationError`` (Chinese, per field where possible)
for bad input; runs in one transaction; records an audit event.

Grid coverage and grants
    A place (compound or building) belongs to at most one grid: ``GridArea.area`` is
    unique, and the actions refuse a building whose compound is covered by another grid
    and a compound one of whose buildings is.  Coverage writes of one community are
    serialized by locking the community row.

    A team member with a user account and a role in ``GRANTING_TEAM_ROLES`` is given one
    ``Grant(role=网格员, area=<place>)`` per covered place; the grants hang on the
    assignment (``GridTeamMember.grants``), follow every coverage change, and are
    deactivated when the assignment ends — so a grid worker's scope stays a plain set of
    tree ranges (one query per request).

People's diary
    ``diary_record`` writes a visit (已记录) or a problem (待处理); a problem is closed by
    ``diary_resolve`` or handed on by ``diary_convert`` — which the request and whistle
    actions of services call after creating the resident request or whistle it became.  Status changes lock the
    row, check ``DIARY_TRANSITIONS`` and record the change.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.audit import apply_fields, changed_fields, record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import forget_scope, get_scope
from grids.grids.models import Grid, GridArea
from grids.grids.permissions import GRID_MANAGE_ROLES
from grids.teams.choices import GRANTING_TEAM_ROLES
from grids.teams.models import GridTeamMember
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg

GRID_FIELDS = ("code", "name", "party_branch", "description")


# ----------------------------------------------------------------------------- checks
def _require_manage_community(actor, community):
    scope = get_scope(actor)
    if not scope.covers_area(community):
        raise Http404
    if not scope.covers_area(community, GRID_MANAGE_ROLES):
        raise PermissionDeniedError(_("您的角色无权管理该社区的网格。"))


def _require_grid_visible(actor, grid):
    if not Grid.objects.visible_to(actor).filter(pk=grid.pk).exists():
        raise Http404


def _lock_community(community) -> Area:
    return Area.objects.select_for_update().get(pk=community.pk)


def _check_community(community):
    if community is None or community.level != AreaLevel.COMMUNITY:
        raise ValidationError({"community": _("网格必须建在社区。")})


def _check_branch(community, branch):
    if branch is None:
        return
    inside = (
        branch.area_id is not None
        and Area.objects.within(community).filter(pk=branch.area_id).exists()
    )
    if branch.kind != OrgKind.BRANCH or not inside:
        raise ValidationError(
            {"party_branch": _("网格党支部必须是依托本社区（或其小区、楼栋）的党支部，“%(name)s”不是。") % {"name": branch.name}}
        )


def check_coverage(grid, community, areas) -> list[Area]:
    """Validate the places a grid (``grid`` may be unsaved: ``None``) is to cover.

    Returns the places as a list; raises ``ValidationError`` on the ``areas`` field naming
    the place and the other grid.  Runs two queries whatever the number of places."""
    wanted = list(dict.fromkeys(a.pk for a in areas))  # keep order, drop repeats
    # re-read the places: tree fields of objects held by the caller may be stale
    fresh = Area.objects.select_related("parent").in_bulk(wanted)
    areas = [fresh[pk] for pk in wanted if pk in fresh]
    errors = []
    for area in areas:
        if area.level not in (AreaLevel.COMPOUND, AreaLevel.BUILDING):
            errors.append(_("“%(name)s”是%(level)s，网格只能覆盖小区或楼栋。") % {
                "name": area.name, "level": area.get_level_display()})
        elif not trees.contains(community, area, include_self=False):
            errors.append(_("“%(name)s”不在社区“%(community)s”内。") % {"name": area.name, "community": community.name})
    if errors:
        raise ValidationError({"areas": errors})
    ids = {a.pk for a in areas}
    for area in areas:
        if area.level == AreaLevel.BUILDING and area.parent_id in ids:
            errors.append(_("已选择小区“%(compound)s”，无需再单独选择其中的“%(name)s”。") % {
                "compound": area.parent.name, "name": area.name})
    if errors:
        raise ValidationError({"areas": errors})
    compound_ids = {a.pk for a in areas if a.level == AreaLevel.COMPOUND}
    parent_ids = {a.parent_id for a in areas if a.level == AreaLevel.BUILDING}
    others = GridArea.objects.select_related("grid", "area", "area__parent")
    if grid is not None:
        others = others.exclude(grid=grid)
    clashes = others.filter(
        Q(area_id__in=ids) | Q(area_id__in=parent_ids) | Q(area__parent_id__in=compound_ids)
    ).order_by(*trees.preorder("area"))
    by_id = {a.pk: a for a in areas}
    for cover in clashes:
        other = cover.grid.name
        if cover.area_id in ids:
            errors.append(_("“%(name)s”已属于网格“%(grid)s”，一个地方只能属于一个网格。") % {
                "name": cover.area.name, "grid": other})
        if cover.area_id in parent_ids:
            for a in areas:
                if a.level == AreaLevel.BUILDING and a.parent_id == cover.area_id:
                    errors.append(_("“%(name)s”所在的小区“%(compound)s”已属于网格“%(grid)s”。") % {
                        "name": a.name, "compound": cover.area.name, "grid": other})
        if cover.area.parent_id in compound_ids:
            errors.append(_("小区“%(name)s”中的“%(building)s”已属于网格“%(grid)s”，请先调整该网格。") % {
                "name": by_id[cover.area.parent_id].name, "building": cover.area.name, "grid": other})
    if errors:
        raise ValidationError({"areas": list(dict.fromkeys(errors))})
    return areas


# -------------------------------------------------------------------------- grids
@transaction.atomic
def grid_create(*, actor, community, code, name, party_branch=None, areas=(), description="") -> Grid:
    _check_community(community)
    _require_manage_community(actor, community)
    community = _lock_community(community)
    _check_branch(community, party_branch)
    grid = Grid(community=community, code=code, name=name, party_branch=party_branch, description=description or "")
    grid.full_clean()
    places = check_coverage(None, community, areas)
    grid.save()
    GridArea.objects.bulk_create([GridArea(grid=grid, area=a) for a in places])
    record(actor, "grid.create", grid, {"community": community.pk, "areas": [a.pk for a in places]})
    return grid


@transaction.atomic
def grid_update(*, actor, grid, **fields) -> Grid:
    unknown = set(fields) - set(GRID_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    _require_grid_visible(actor, grid)
    _require_manage_community(actor, grid.community)
    grid = Grid.objects.select_for_update().select_related("community").get(pk=grid.pk)
    if "party_branch" in fields:
        _check_branch(grid.community, fields["party_branch"])
    if "description" in fields and fields["description"] is None:
        fields["description"] = ""
    changes = changed_fields(grid, fields)
    apply_fields(grid, fields)
    grid.full_clean()
    grid.save()
    record(actor, "grid.update", grid, changes)
    return grid


@transaction.atomic
def grid_set_coverage(*, actor, grid, areas) -> Grid:
    """Replace the places a grid covers; the grants of its current team follow."""
    _require_grid_visible(actor, grid)
    _require_manage_community(actor, grid.community)
    community = _lock_community(grid.community)
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    places = check_coverage(grid, community, areas)
    wanted = {a.pk for a in places}
    current = set(GridArea.objects.filter(grid=grid).values_list("area_id", flat=True))
    removed, added = current - wanted, wanted - current
    if removed:
        GridArea.objects.filter(grid=grid, area_id__in=removed).delete()
    if added:
        GridArea.objects.bulk_create([GridArea(grid=grid, area_id=pk) for pk in sorted(added)])
    if removed or added:
        _sync_team_grants(grid, added=added, removed=removed)
    record(actor, "grid.coverage", grid, {"added": sorted(added), "removed": sorted(removed)})
    return grid


def _granting_assignments(grid):
    return GridTeamMember.objects.filter(
        grid=grid, user__isnull=False, role__in=GRANTING_TEAM_ROLES, ended_on__isnull=True
    ).select_related("user")


def _grant_note(grid):
    return (_("网格“%(name)s”（%(code)s）任职") % {"name": grid.name, "code": grid.code})[:200]


def _sync_team_grants(grid, *, added, removed):
    """Keep the grants of the grid's current granting assignments in step with its places
    (a constant number of queries for the whole team)."""
    assignments = list(_granting_assignments(grid))
    if not assignments:
        return
    if removed:
        stale = Grant.objects.filter(grid_assignments__in=assignments, area_id__in=removed)
        Grant.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    if added:
        note = _grant_note(grid)
        grants = Grant.objects.bulk_create([
            Grant(user_id=a.user_id, role=Role.GRID, area_id=pk, note=note) for a in assignments for pk in sorted(added)
        ])
        through = GridTeamMember.grants.through
        per = len(added)
        through.objects.bulk_create([
            through(gridteammember_id=a.pk, grant_id=g.pk)
            for i, a in enumerate(assignments) for g in grants[i * per:(i + 1) * per]
        ])
    for a in assignments:
        forget_scope(a.user)


# ------------------------------------------------------------- one compound, one grid
def _derive_codes(compounds) -> dict:
    """A grid code per compound, derived from the compound code, unique (one query)."""
    def base(code):
        return f"{code}-WG"[:32]

    wanted = {c.pk: base(c.code) for c in compounds}
    taken = set(Grid.objects.filter(code__in=list(wanted.values())).values_list("code", flat=True))
    out = {}
    for c in compounds:
        code = wanted[c.pk]
        n = 2
        while code in taken:
            suffix = f"-{n}"
            code = wanted[c.pk][: 32 - len(suffix)] + suffix
            n += 1
        taken.add(code)
        out[c.pk] = code
    return out


@transaction.atomic
def grids_create_from_compounds(*, actor, community) -> list[Grid]:
    """"一小区一网格" for a whole community, as one action.

    Every compound of the community that neither is nor has a building in a grid gets a
    grid named "<小区>网格" covering it, linked to the compound's branch when exactly one
    小区党支部 is anchored at it.  Running it again creates nothing more.  A constant
    number of queries whatever the number of compounds."""
    _check_community(community)
    _require_manage_community(actor, community)
    community = _lock_community(community)
    from grids.coverage.selectors import _gridded_q

    compounds = list(
        Area.objects.filter(parent=community, level=AreaLevel.COMPOUND).exclude(_gridded_q()).order_by(*trees.preorder())
    )
    if not compounds:
        return []
    branches = {}
    for org in PartyOrg.objects.filter(
        area__in=compounds, kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND
    ).only("pk", "area_id"):
        branches.setdefault(org.area_id, []).append(org)
    codes = _derive_codes(compounds)
    taken_names = set(Grid.objects.filter(community=community).values_list("name", flat=True))
    grids = []
    for compound in compounds:
        name = f"{compound.name}网格"[:100]
        n = 2
        while name in taken_names:
            suffix = f"（{n}）"
            name = f"{compound.name}网格"[: 100 - len(suffix)] + suffix
            n += 1
        taken_names.add(name)
        own = branches.get(compound.pk, [])
        grids.append(Grid(
            community=community, code=codes[compound.pk], name=name,
            party_branch=own[0] if len(own) == 1 else None,
        ))
    grids = Grid.objects.bulk_create(grids)
    GridArea.objects.bulk_create([GridArea(grid=g, area=c) for g, c in zip(grids, compounds)])
    record(actor, "grid.create_from_compounds", community, {"grids": [g.code for g in grids]})
    return grids
