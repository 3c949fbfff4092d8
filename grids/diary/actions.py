from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.audit import record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from dangjian.uploads import check_photo
from dangjian.workflow import transition
from grids.diary.choices import DIARY_ACTIONS, DIARY_TRANSITIONS, ConversionTarget, DiaryAction, DiaryCategory, DiaryKind, DiaryStatus
from grids.diary.models import DiaryEntry
from grids.diary.permissions import DIARY_ROLES
from grids.grids.actions import _require_grid_visible
from grids.grids.models import GridArea
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area

TEXT_MAX = 4000
RESOLUTION_MAX = 2000


def _require_diary_writer(actor, grid):
    """Grid workers and community cadres: a diary role over the grid's community or one of its places."""
    _require_grid_visible(actor, grid)
    scope = get_scope(actor)
    if scope.covers_area(grid.community, DIARY_ROLES):
        return
    places = Area.objects.filter(grid_cover__grid=grid).only("pk", *trees.range_fields())
    if any(scope.covers_area(place, DIARY_ROLES) for place in places):
        return
    raise PermissionDeniedError(_("只有网格员和社区工作人员可以填写民情日记。"))


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


def _diary_transition(verb, actor, entry, *, check=None, **changes) -> tuple[DiaryEntry, str]:
    """Lock, check, write (``dangjian.workflow.transition``) a diary writer's change
    ``verb``; ``(the locked entry, its status before)``.  A refused change is a
    ``TransitionError`` (409 in the API)."""
    entry = DiaryEntry.objects.select_related("grid__community").get(pk=entry.pk)
    _require_diary_writer(actor, entry.grid)
    starts, to_status = DIARY_ACTIONS[verb]

    def refusal(current):
        return _("该记录当前为“%(now)s”，不能改为“%(to)s”。") % {
            "now": DiaryStatus(current).label, "to": DiaryStatus(to_status).label}

    locked, step = transition(DiaryEntry, entry.pk, to_status, DIARY_TRANSITIONS, actor=actor, allowed_from=starts,
                              refusal=refusal, check=check, **changes)
    return locked, step.from_status


@transaction.atomic
def diary_resolve(*, actor, entry, resolution) -> DiaryEntry:
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("请填写处理结果。")})
    if len(resolution) > RESOLUTION_MAX:
        raise ValidationError({"resolution": _("处理结果不能超过 %(n)d 字。") % {"n": RESOLUTION_MAX}})
    entry, old = _diary_transition(DiaryAction.RESOLVE, actor, entry, resolution=resolution)
    record(actor, "diary.resolve", entry, {"status": [old, entry.status]})
    return entry


def _target_exists(entry, target, target_id) -> bool:
    """The request or whistle a problem is handed on to: it must exist and concern the
    entry's community (a request of that community; a whistle of it or of its street), so
    a made-up or foreign number is never recorded."""
    from django.apps import apps

    community = Area.objects.only(*trees.range_fields()).get(pk=entry.grid.community_id)
    if target == ConversionTarget.REQUEST:
        found = apps.get_model("services", "ServiceRequest").objects.filter(pk=target_id, community=community)
    else:
        found = apps.get_model("services", "Whistle").objects.filter(trees.ancestors_q(community, "area"), pk=target_id)
    return target_id < 2**63 and found.exists()


@transaction.atomic
def diary_convert(*, actor, entry, target, target_id) -> DiaryEntry:
    """Mark a problem as handed on to a resident request or a whistle (called by the request and whistle actions).

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

    def check(locked):  # after the status check: a closed entry keeps its own refusal
        if not _target_exists(locked, target, target_id):
            raise ValidationError({"target_id": _("编号为 %(id)d 的%(target)s不存在，或不属于该网格所在的社区。") % {
                "id": target_id, "target": ConversionTarget(target).label}})

    entry, old = _diary_transition(DiaryAction.CONVERT, actor, entry, check=check, converted_to=target,
                                   converted_id=target_id, converted_at=timezone.now())
    record(actor, "diary.convert", entry, {"status": [old, entry.status], "target": target, "target_id": target_id})
    return entry
