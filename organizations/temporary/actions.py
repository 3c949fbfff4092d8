"""Writes of 临时党支部.  ``temporary_branch_create`` creates the ``PartyOrg`` through the
organizations' own ``org_create`` (its checks, lock and audit) and the detail row;
``second_members`` seconds members from their branches (their ``organization`` never
changes; one open secondment per member: the member rows are locked, then checked, and a
partial unique constraint holds it under races); ``end_secondment``;
``temporary_branch_dissolve`` ends the open secondments and marks the branch dissolved —
nothing is deleted, the organization stays for history."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import record
from dangjian.errors import PermissionDeniedError
from organizations.members.models import Member
from organizations.orgs.actions import org_create
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.temporary import permissions
from organizations.temporary.models import Secondment, TemporaryBranch


def _next_code(parent) -> str:
    base = f"{parent.code}-LS" if len(parent.code) <= 24 else f"LS{parent.pk}-"
    taken = set(PartyOrg.objects.filter(code__startswith=base).values_list("code", flat=True))
    n = len(taken) + 1
    while f"{base}{n:02d}" in taken:
        n += 1
    return f"{base}{n:02d}"


def _check_dates(started_on, expected_end):
    if expected_end < started_on:
        raise ValidationError({"expected_end": _("预计结束日期不能早于成立日期。")})


@transaction.atomic
def temporary_branch_create(*, actor, parent, name, purpose, project_name, started_on, expected_end, area=None,
                            members=()) -> TemporaryBranch:
    """Set up a temporary branch under ``parent`` (the establishing organization), anchored
    at ``area`` (default: the parent's), with ``members`` seconded from their branches."""
    _check_dates(started_on, expected_end)
    org = org_create(actor=actor, parent=parent, area=area or parent.area, name=name, code=_next_code(parent),
                     kind=OrgKind.BRANCH, category=OrgCategory.TEMPORARY, founded_on=started_on)
    branch = TemporaryBranch(org=org, purpose=purpose, project_name=project_name, started_on=started_on,
                             expected_end=expected_end)
    branch.full_clean(exclude=["org"])
    branch.save()
    record(actor, "temporary.create", branch, {"org": org.pk, "parent": parent.pk})
    if members:
        second_members(actor=actor, branch=branch, members=members, started_on=started_on)
    return branch


def _locked_branch(actor, branch):
    branch = TemporaryBranch.objects.select_for_update(of=("self",)).select_related("org__area").get(pk=branch.pk)
    if not TemporaryBranch.objects.visible_to(actor).filter(pk=branch.pk).exists():
        raise Http404
    if not permissions.can_manage_branch(actor, branch):
        raise PermissionDeniedError(_("您的角色无权管理该临时党支部。"))
    return branch


@transaction.atomic
def second_members(*, actor, branch, members, started_on=None) -> list[Secondment]:
    started_on = started_on or timezone.localdate()
    branch = _locked_branch(actor, branch)
    if branch.is_dissolved:
        raise ValidationError(_("该临时党支部已撤销，不能再借调党员。"))
    if started_on < branch.started_on:
        raise ValidationError({"started_on": _("借调开始日期不能早于临时党支部成立日期。")})
    ids = sorted({m.pk for m in members})
    locked = {m.pk: m for m in Member.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    visible = set(Member.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    if set(ids) - visible:
        raise Http404
    busy = (Secondment.objects.open().filter(member_id__in=ids)
            .select_related("member", "temporary_branch__org").order_by("member__name"))
    errors = [_("%(name)s已借调至“%(branch)s”，须先结束该借调。") % {
        "name": s.member.name, "branch": s.temporary_branch.org.name} for s in busy]
    if errors:
        raise ValidationError({"members": errors})
    try:
        with transaction.atomic():
            made = Secondment.objects.bulk_create(
                [Secondment(temporary_branch=branch, member=locked[pk], started_on=started_on) for pk in ids])
    except IntegrityError:
        raise ValidationError({"members": _("所选党员已借调至其他临时党支部。")}) from None
    record(actor, "temporary.second", branch, {"members": ids})
    return made


@transaction.atomic
def end_secondment(*, actor, secondment, ended_on=None) -> Secondment:
    ended_on = ended_on or timezone.localdate()
    secondment = Secondment.objects.select_for_update().get(pk=secondment.pk)
    _locked_branch(actor, secondment.temporary_branch)
    if secondment.ended_on is not None:
        raise ValidationError(_("该借调已经结束。"))
    if ended_on < secondment.started_on:
        raise ValidationError({"ended_on": _("借调结束日期不能早于开始日期。")})
    secondment.ended_on = ended_on
    secondment.save(update_fields=["ended_on"])
    record(actor, "temporary.end_secondment", secondment, {"ended_on": str(ended_on)})
    return secondment


@transaction.atomic
def temporary_branch_dissolve(*, actor, branch, dissolved_on=None, note="") -> TemporaryBranch:
    dissolved_on = dissolved_on or timezone.localdate()
    branch = _locked_branch(actor, branch)
    if branch.is_dissolved:
        raise ValidationError(_("该临时党支部已于%(day)s撤销。") % {"day": branch.dissolved_on})
    if dissolved_on < branch.started_on:
        raise ValidationError({"dissolved_on": _("撤销日期不能早于成立日期。")})
    if dissolved_on > timezone.localdate():
        raise ValidationError({"dissolved_on": _("撤销日期不能晚于今天。")})
    open_rows = Secondment.objects.filter(temporary_branch=branch, ended_on__isnull=True)
    late = open_rows.filter(started_on__gt=dissolved_on).exists()
    if late:
        raise ValidationError({"dissolved_on": _("有党员的借调开始日期晚于撤销日期。")})
    ended = open_rows.update(ended_on=dissolved_on)
    branch.dissolved_on = dissolved_on
    branch.dissolution_note = note
    branch.save(update_fields=["dissolved_on", "dissolution_note"])
    record(actor, "temporary.dissolve", branch, {"dissolved_on": str(dissolved_on), "secondments_ended": ended})
    return branch
