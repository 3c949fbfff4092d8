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
    ``diary_resolve`` or handed on by ``diary_convert`` — the hook the services issue calls
    after creating the resident request or whistle it became.  Status changes lock the
    row, check ``DIARY_TRANSITIONS`` and record the change.
"""
import os
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import forget_scope, get_scope
from grids.choices import DIARY_TRANSITIONS, GRANTING_TEAM_ROLES, ConversionTarget, DiaryCategory, DiaryKind, DiaryStatus, TeamRole
from grids.models import DiaryEntry, Grid, GridArea, GridTeamMember
from grids.permissions import DIARY_ROLES, GRID_MANAGE_ROLES
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.members.models import Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
GRID_FIELDS = ("code", "name", "party_branch", "description")
TEXT_MAX = 4000
RESOLUTION_MAX = 2000


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


def _require_diary_writer(actor, grid):
    """Grid workers and community cadres: a diary role over the grid's community or one of its places."""
    _require_grid_visible(actor, grid)
    scope = get_scope(actor)
    if scope.covers_area(grid.community, DIARY_ROLES):
        return
    places = Area.objects.filter(grid_cover__grid=grid).only("pk", "tree_id", "lft", "rght")
    if any(scope.covers_area(place, DIARY_ROLES) for place in places):
        return
    raise PermissionDeniedError(_("只有网格员和社区工作人员可以填写民情日记。"))


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
        elif not (area.tree_id == community.tree_id and community.lft < area.lft <= community.rght):
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
    ).order_by("area__lft")
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


def _changed(instance, fields: dict) -> dict:
    out = {}
    for name, value in fields.items():
        old = getattr(instance, name)
        if old != value:
            out[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
    return out


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
    changes = _changed(grid, fields)
    for key, value in fields.items():
        setattr(grid, key, value)
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
    from grids.selectors import _gridded_q

    compounds = list(
        Area.objects.filter(parent=community, level=AreaLevel.COMPOUND).exclude(_gridded_q()).order_by("lft")
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


# ---------------------------------------------------------------------------- teams
@transaction.atomic
def team_member_add(*, actor, grid, role, member=None, user=None, display_name="", started_on=None) -> GridTeamMember:
    _require_grid_visible(actor, grid)
    _require_manage_community(actor, grid.community)
    if role not in TeamRole.values:
        raise ValidationError({"role": _("请选择有效的团队角色。")})
    display_name = (display_name or "").strip()
    if member is None and user is None and not display_name:
        raise ValidationError(_("请选择党员、账号，或填写姓名。"))
    if member is not None and not Member.objects.visible_to(actor).filter(pk=member.pk).exists():
        raise Http404
    today = timezone.localdate()
    if started_on is not None and started_on > today:
        raise ValidationError({"started_on": _("开始日期不能晚于今天（任职开始后再登记）。")})
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    same = GridTeamMember.objects.filter(grid=grid, role=role, ended_on__isnull=True)
    person = Q(pk__in=[])
    if member is not None:
        person |= Q(member=member)
    if user is not None:
        person |= Q(user=user)
    if member is None and user is None:
        person |= Q(member__isnull=True, user__isnull=True, display_name=display_name)
    if same.filter(person).exists():
        raise ValidationError(_("此人已在该网格担任%(role)s。") % {"role": TeamRole(role).label})
    assignment = GridTeamMember(
        grid=grid, role=role, member=member, user=user, display_name=display_name,
        started_on=started_on or today,
    )
    assignment.full_clean()
    assignment.save()
    granted = []
    if user is not None and role in GRANTING_TEAM_ROLES:
        note = _grant_note(grid)
        places = list(GridArea.objects.filter(grid=grid).values_list("area_id", flat=True))
        granted = Grant.objects.bulk_create([Grant(user=user, role=Role.GRID, area_id=pk, note=note) for pk in places])
        assignment.grants.add(*granted)
        forget_scope(user)
    record(actor, "grid.team.add", assignment, {
        "role": role, "member": member.pk if member else None, "user": user.pk if user else None,
        "grants": [g.pk for g in granted],
    })
    return assignment


@transaction.atomic
def team_member_end(*, actor, assignment, ended_on=None) -> GridTeamMember:
    grid = assignment.grid
    _require_grid_visible(actor, grid)
    _require_manage_community(actor, grid.community)
    assignment = GridTeamMember.objects.select_for_update(of=("self",)).select_related("user").get(pk=assignment.pk)
    if assignment.ended_on is not None:
        raise ValidationError(_("该任职已于 %(d)s 结束。") % {"d": assignment.ended_on.strftime("%Y年%m月%d日")})
    today = timezone.localdate()
    ended_on = ended_on or today
    if ended_on > today:
        raise ValidationError({"ended_on": _("结束日期不能晚于今天。")})
    if assignment.started_on and ended_on < assignment.started_on:
        raise ValidationError({"ended_on": _("结束日期不能早于开始日期（%(d)s）。") % {
            "d": assignment.started_on.strftime("%Y年%m月%d日")}})
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on"])
    revoked = list(assignment.grants.filter(is_active=True).values_list("pk", flat=True))
    if revoked:
        Grant.objects.filter(pk__in=revoked).update(is_active=False)
    if assignment.user_id:
        forget_scope(assignment.user)
    record(actor, "grid.team.end", assignment, {"ended_on": ended_on.isoformat(), "grants_revoked": revoked})
    return assignment


# ------------------------------------------------------------------------- photos
def check_photo(photo):
    """Refuse anything but a real JPEG, PNG or WebP picture of at most 5 MB.

    The size and extension are checked first, then the content is decoded with Pillow;
    the file is renamed to a random name with the extension of its real format."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(photo, "size", None)
    if size is None or size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("照片不能超过 %(mb)d MB。") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)}})
    if size == 0:
        raise ValidationError({"photo": _("照片文件是空的。")})
    ext = os.path.splitext(getattr(photo, "name", "") or "")[1].lower().lstrip(".")
    if ext not in PHOTO_EXTENSIONS:
        raise ValidationError({"photo": _("照片只能是 JPG、PNG 或 WebP 格式（文件扩展名为 %(exts)s）。") % {
            "exts": "、".join(PHOTO_EXTENSIONS)}})
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError({"photo": _("文件内容不是有效的图片，请上传 JPG、PNG 或 WebP 照片。")}) from None
    finally:
        photo.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise ValidationError({"photo": _("照片只能是 JPG、PNG 或 WebP 格式（上传的是 %(fmt)s）。") % {"fmt": fmt or "?"}})
    photo.name = f"{uuid.uuid4().hex}.{PHOTO_FORMATS[fmt]}"
    return photo


# -------------------------------------------------------------------------- diary
def _building_in_grid(grid, building) -> bool:
    return GridArea.objects.filter(grid=grid).filter(
        Q(area_id=building.pk) | Q(area_id=building.parent_id)
    ).exists()


@transaction.atomic
def diary_record(
    *, actor, grid, kind, category, text, occurred_on, building=None, household="", photo=None
) -> DiaryEntry:
    _require_diary_writer(actor, grid)
    errors = {}
    if kind not in DiaryKind.values:
        errors["kind"] = _("请选择走访或问题。")
    if category not in DiaryCategory.values:
        errors["category"] = _("请选择有效的类别。")
    if not (text or "").strip():
        errors["text"] = _("请填写内容。")
    elif len(text.strip()) > TEXT_MAX:
        errors["text"] = _("内容不能超过 %(n)d 字。") % {"n": TEXT_MAX}
    if occurred_on is None:
        errors["occurred_on"] = _("请填写日期。")
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = _("日期不能晚于今天。")
    if building is not None:
        if building.level != AreaLevel.BUILDING:
            errors["building"] = _("“%(name)s”不是楼栋。") % {"name": building.name}
        elif not _building_in_grid(grid, building):
            errors["building"] = _("楼栋“%(name)s”不在网格“%(grid)s”内。") % {"name": building.name, "grid": grid.name}
    if errors:
        raise ValidationError(errors)
    if photo:
        photo = check_photo(photo)
    entry = DiaryEntry(
        grid=grid, building=building, household=(household or "").strip(), kind=kind, category=category,
        text=text.strip(), occurred_on=occurred_on, author=actor if getattr(actor, "pk", None) else None,
        status=DiaryStatus.OPEN if kind == DiaryKind.PROBLEM else DiaryStatus.RECORDED,
    )
    entry.full_clean(exclude=["photo", "author"])
    if photo:
        entry.photo = photo
    entry.save()
    record(actor, "diary.record", entry, {"grid": grid.pk, "kind": kind, "status": entry.status})
    return entry


def _lock_entry_for_change(actor, entry, to_status) -> DiaryEntry:
    entry = DiaryEntry.objects.select_related("grid__community").get(pk=entry.pk)
    _require_diary_writer(actor, entry.grid)
    entry = DiaryEntry.objects.select_for_update().get(pk=entry.pk)
    allowed = DIARY_TRANSITIONS.get(DiaryStatus(entry.status), set())
    if to_status not in allowed:
        raise ValidationError(
            _("该记录当前为“%(now)s”，不能改为“%(to)s”。") % {
                "now": DiaryStatus(entry.status).label, "to": DiaryStatus(to_status).label}
        )
    return entry


@transaction.atomic
def diary_resolve(*, actor, entry, resolution) -> DiaryEntry:
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("请填写处理结果。")})
    if len(resolution) > RESOLUTION_MAX:
        raise ValidationError({"resolution": _("处理结果不能超过 %(n)d 字。") % {"n": RESOLUTION_MAX}})
    entry = _lock_entry_for_change(actor, entry, DiaryStatus.RESOLVED)
    old = entry.status
    entry.status = DiaryStatus.RESOLVED
    entry.resolution = resolution
    entry.save(update_fields=["status", "resolution"])
    record(actor, "diary.resolve", entry, {"status": [old, entry.status]})
    return entry


@transaction.atomic
def diary_convert(*, actor, entry, target, target_id) -> DiaryEntry:
    """Mark a problem as handed on to a resident request or a whistle (services issue hook).

    The caller creates the request or whistle first, in the same transaction, and passes
    its kind (``ConversionTarget``) and id; the entry keeps the link (``converted_to``,
    ``converted_id``) and the time.  Only an open problem can be converted, once."""
    errors = {}
    if target not in ConversionTarget.values:
        errors["target"] = _("请选择转办为居民诉求或吹哨报到。")
    try:
        target_id = int(target_id)
    except (TypeError, ValueError):
        target_id = None
    if target_id is None or target_id <= 0:
        errors["target_id"] = _("请填写转办记录的编号（正整数）。")
    if errors:
        raise ValidationError(errors)
    entry = _lock_entry_for_change(actor, entry, DiaryStatus.CONVERTED)
    old = entry.status
    entry.status = DiaryStatus.CONVERTED
    entry.converted_to = target
    entry.converted_id = target_id
    entry.converted_at = timezone.now()
    entry.save(update_fields=["status", "converted_to", "converted_id", "converted_at"])
    record(actor, "diary.convert", entry, {"status": [old, entry.status], "target": target, "target_id": target_id})
    return entry
