from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import record
from dangjian.scoping import forget_scope
from grids.grids.actions import _grant_note, _require_grid_visible, _require_manage_community
from grids.grids.models import Grid, GridArea
from grids.teams.choices import GRANTING_TEAM_ROLES, TeamRole
from grids.teams.models import GridTeamMember
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.members.models import Member


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
