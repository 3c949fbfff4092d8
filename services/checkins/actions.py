"""Writes of 双报到 (reporting in): organizations report to their location community under a
co-building agreement (共建协议); in-service members report to their residence community.

Settings (read here, with defaults, so a locality may override them):

``MEMBER_REPORT_VALID_MONTHS`` (6)
    How long a member's report stays valid; after that the member reports again
    ("每半年重新报到").  ``valid_until = reported_on + N months``, clamped to the end of a
    shorter month (31 August + 6 months = 28 February).
``SERVICE_HOURS_TARGET`` (50)
    The service hours a member is expected to give a year (Xingtai: ≥50 h).

Co-building agreements
    ``agreement_create`` / ``agreement_update`` / ``agreement_end``: a unit's party
    organization (organ, institution, enterprise, 两新, building, market…; not a territorial
    organization such as a community or compound branch) pairs with compound branches of
    the community it reports to (each must be a 小区 branch anchored inside that
    community).  Who: a managing role (``MANAGE_ROLES``) over the community or over the
    organization.  Out of scope of both → 404; in scope without a managing role → 403.

Member reports
    ``member_report_in``: an in-service member reports to the community they live in — the
    member themself (``user.member``), or a managing role over that community on their
    behalf.  A second report the same day returns the existing one (unique constraint);
    so does a report while a valid one still has more than ``RENEW_WINDOW_DAYS`` to run;
    once it expires (or is about to) a new row starts a new period.

Every write records an audit event (``dangjian.audit.record``).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.audit import record
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.scoping import get_scope
from dangjian.validation import check_text as _check_text
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.models import Member
from organizations.orgs.choices import OrgCategory
from organizations.orgs.models import PartyOrg
from services.checkins.choices import AgreementStatus
from services.checkins.models import CoBuildAgreement, MemberReport
from services.checkins.permissions import can_export_member, can_manage_agreement
from services.checkins.rules import TERRITORIAL_CATEGORIES, quarter_bounds, report_valid_until
from services.checkins.selectors import community_of

# A member may renew a still valid report during its last days (no gap between periods).
RENEW_WINDOW_DAYS = 30
TITLE_MAX = 100
TEXT_MAX = 5000
SKILLS_MAX = 200


def _require_agreement_rights(actor, *, community, org):
    scope = get_scope(actor)
    sees = scope.covers_area(community) or scope.covers_org(org)
    if not sees:
        raise Http404
    if not can_manage_agreement(actor, community=community, org=org):
        raise PermissionDeniedError(_("只有报到社区或报到党组织的管理人员可以登记、修改共建协议。"))


def _clean_agreement(errors, *, org, community, branches, starts_on, ends_on):
    if community is None or community.level != AreaLevel.COMMUNITY:
        errors["community"] = _("请选择报到的社区。")
    if org is not None and org.category in TERRITORIAL_CATEGORIES:
        errors["org"] = _("“%(name)s”是%(category)s党组织，属于社区自身的组织体系，不需要报到共建。") % {
            "name": org.name, "category": org.get_category_display()}
    if starts_on is None:
        errors["starts_on"] = _("请填写开始日期。")
    if ends_on is None:
        errors["ends_on"] = _("请填写结束日期。")
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("结束日期不能早于开始日期。")
    if "community" not in errors:
        outside = [
            b.name for b in branches
            if b.category != OrgCategory.COMPOUND or not trees.contains(community, b.area)
        ]
        if outside:
            errors["branches"] = _("结对的只能是本社区内的小区党支部：%(names)s 不符合。") % {"names": "、".join(outside)}


def _load_branches(branches) -> list[PartyOrg]:
    ids = sorted({getattr(b, "pk", b) for b in branches or ()})
    found = list(PartyOrg.objects.filter(pk__in=ids).select_related("area"))
    if len(found) != len(ids):
        raise ValidationError({"branches": _("所选的结对支部不存在。")})
    return found


@transaction.atomic
def agreement_create(*, actor, org, community, title, text, starts_on, ends_on, branches=()) -> CoBuildAgreement:
    """Register an organization's report to its location community (共建协议)."""
    org = PartyOrg.objects.select_related("area").get(pk=org.pk)
    _require_agreement_rights(actor, community=community, org=org)
    branch_list = _load_branches(branches)
    errors = {}
    title = _check_text(errors, "title", title, TITLE_MAX, empty_message=_("请填写协议名称。"))
    text = _check_text(errors, "text", text, TEXT_MAX, empty_message=_("请填写共建内容。"))
    _clean_agreement(errors, org=org, community=community, branches=branch_list, starts_on=starts_on, ends_on=ends_on)
    if errors:
        raise ValidationError(errors)
    PartyOrg.objects.select_for_update().filter(pk=org.pk).first()  # one registration at a time per org
    if CoBuildAgreement.objects.filter(org=org, community=community, status=AgreementStatus.ACTIVE).exists():
        raise ValidationError(_("“%(org)s”与“%(community)s”已有进行中的共建协议，请修改原协议或先结束它。") % {
            "org": org.name, "community": community.name})
    agreement = CoBuildAgreement.objects.create(
        org=org, community=community, title=title, text=text, starts_on=starts_on, ends_on=ends_on,
        status=AgreementStatus.ACTIVE, created_by=actor if getattr(actor, "pk", None) else None,
    )
    agreement.branches.set(branch_list)
    record(actor, "agreement.create", agreement, {
        "org": org.pk, "community": community.pk, "branches": [b.pk for b in branch_list],
        "starts_on": str(starts_on), "ends_on": str(ends_on),
    })
    return agreement


AGREEMENT_FIELDS = ("title", "text", "starts_on", "ends_on", "branches")


def _locked_agreement(actor, agreement) -> CoBuildAgreement:
    if not CoBuildAgreement.objects.visible_to(actor).filter(pk=agreement.pk).exists():
        raise Http404
    locked = (
        CoBuildAgreement.objects.select_for_update(of=("self",))
        .select_related("org__area", "community").filter(pk=agreement.pk).first()
    )
    if locked is None:
        raise Http404
    _require_agreement_rights(actor, community=locked.community, org=locked.org)
    return locked


@transaction.atomic
def agreement_update(*, actor, agreement, **fields) -> CoBuildAgreement:
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    agreement = _locked_agreement(actor, agreement)
    if agreement.status != AgreementStatus.ACTIVE:
        raise TransitionError(_("该共建协议已经结束，不能再修改。"), code="transition")
    errors = {}
    values = {
        "title": _check_text(errors, "title", fields.get("title", agreement.title), TITLE_MAX,
                             empty_message=_("请填写协议名称。")),
        "text": _check_text(errors, "text", fields.get("text", agreement.text), TEXT_MAX,
                            empty_message=_("请填写共建内容。")),
        "starts_on": fields.get("starts_on", agreement.starts_on),
        "ends_on": fields.get("ends_on", agreement.ends_on),
    }
    branch_list = _load_branches(fields["branches"]) if "branches" in fields else list(
        agreement.branches.select_related("area"))
    _clean_agreement(errors, org=agreement.org, community=agreement.community, branches=branch_list,
                     starts_on=values["starts_on"], ends_on=values["ends_on"])
    if errors:
        raise ValidationError(errors)
    changes = {}
    for name, value in values.items():
        old = getattr(agreement, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(agreement, name, value)
    if changes:
        agreement.save(update_fields=list(changes))
    if "branches" in fields:
        before = set(agreement.branches.values_list("pk", flat=True))
        after = {b.pk for b in branch_list}
        if before != after:
            agreement.branches.set(branch_list)
            changes["branches"] = [sorted(before), sorted(after)]
    record(actor, "agreement.update", agreement, changes)
    return agreement


@transaction.atomic
def agreement_end(*, actor, agreement, note="", today=None) -> CoBuildAgreement:
    """End an active agreement (today, or on its end date if that has already passed)."""
    agreement = _locked_agreement(actor, agreement)
    if agreement.status != AgreementStatus.ACTIVE:
        raise TransitionError(_("该共建协议已经结束。"), code="transition")
    today = today or timezone.localdate()
    fields = ["status"]
    old_end = agreement.ends_on
    if agreement.ends_on > today:
        agreement.ends_on = max(today, agreement.starts_on)
        fields.append("ends_on")
    agreement.status = AgreementStatus.ENDED
    agreement.save(update_fields=fields)
    record(actor, "agreement.end", agreement, {
        "status": [AgreementStatus.ACTIVE, AgreementStatus.ENDED], "ends_on": [str(old_end), str(agreement.ends_on)],
        "note": (note or "").strip()[:200],
    })
    return agreement


# -------------------------------------------------------------------- member reports
def _is_self(actor, member) -> bool:
    return member.user_id is not None and getattr(actor, "pk", None) == member.user_id


def _require_report_rights(actor, member, community):
    if _is_self(actor, member):
        return
    scope = get_scope(actor)
    if not Member.objects.visible_to(actor).filter(pk=member.pk).exists() and not (
            community is not None and scope.covers_area(community)):
        raise Http404
    if community is None or not scope.covers_area(community, MANAGE_ROLES):
        raise PermissionDeniedError(_("只有党员本人或其居住社区的工作人员可以登记报到。"))


def member_report_in(*, actor, member, reported_on=None, skills="") -> MemberReport:
    """An in-service member reports to their residence community.

    Returns the report; ``report.created`` tells whether a new period was started (False
    when the same day's report or a still valid one was returned).
    """
    member = Member.objects.select_related("residence").filter(pk=member.pk).first()
    if member is None:
        raise Http404
    community = community_of(member.residence)
    _require_report_rights(actor, member, community)
    today = timezone.localdate()
    reported_on = reported_on or today
    errors = {}
    skills = _check_text(errors, "skills", skills, SKILLS_MAX, required=False)
    if not member.in_service:
        errors["member"] = _("“%(name)s”不是在职党员，无需到居住地社区报到。") % {"name": member.name}
    elif community is None:
        errors["member"] = _("“%(name)s”没有登记居住社区（楼栋），请先完善党员信息。") % {"name": member.name}
    if reported_on > today:
        errors["reported_on"] = _("报到日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()  # serialize one member's reports
        current = (
            MemberReport.objects.filter(member=member, community=community, reported_on__lte=reported_on,
                                        valid_until__gte=reported_on)
            .order_by("-valid_until", "-pk").first()
        )
        same_day = MemberReport.objects.filter(member=member, reported_on=reported_on).first()
        existing = same_day or (
            current if current is not None and current.valid_until - reported_on > timedelta(days=RENEW_WINDOW_DAYS)
            else None)
        if existing is not None:
            existing.created = False
            return existing
        try:
            with transaction.atomic():
                report = MemberReport.objects.create(
                    member=member, community=community, reported_on=reported_on,
                    valid_until=report_valid_until(reported_on), skills=skills,
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
        except IntegrityError:
            report = MemberReport.objects.get(member=member, reported_on=reported_on)
            report.created = False
            return report
        report.created = True
        record(actor, "member_report.create", report, {
            "member": member.pk, "community": community.pk, "reported_on": str(reported_on),
            "valid_until": str(report.valid_until), "on_behalf": not _is_self(actor, member),
        })
    return report


def _member_for_export(actor, member) -> Member:
    member = (
        Member.objects.select_related("residence", "organization", "employer_org__area").filter(pk=member.pk).first()
    )
    if member is None:
        raise Http404
    scope = get_scope(actor)
    sees = Member.objects.visible_to(actor).filter(pk=member.pk).exists() or (
        member.employer_org_id is not None and scope.covers_org(member.employer_org))
    if not sees:
        raise Http404
    if not can_export_member(actor, member):
        raise PermissionDeniedError(_("只有党员居住社区或其工作单位党组织的管理人员可以导出季度反馈表。"))
    return member


def member_sheet_export(*, actor, member, year: int, quarter: int) -> tuple[bytes, str, str]:
    """The quarterly feedback sheet of one member: ``(xlsx bytes, filename, ASCII name)``.
    Every download is recorded."""
    from services.checkins import export

    member = _member_for_export(actor, member)
    quarter_bounds(year, quarter)
    content = export.workbook_bytes(export.member_workbook(member, year, quarter))
    record(actor, "member_report.export_sheet", member, {"year": year, "quarter": quarter})
    return (content, *export.member_filename(member, year, quarter))


def employer_workbook_export(*, actor, org, year: int, quarter: int) -> tuple[bytes, str, str]:
    """One workbook for an employer's party organization, one sheet per in-service member
    it employs who reported to a community the actor manages (every such member when the
    actor manages the organization).  Every download is recorded."""
    from services.checkins import export, selectors

    org = selectors.employer_orgs_for(actor).select_related("area").filter(pk=org.pk).first()
    if org is None:
        raise Http404
    if not get_scope(actor).has_role(*MANAGE_ROLES):
        raise PermissionDeniedError(_("只有社区或单位党组织的管理人员可以导出季度反馈表。"))
    quarter_bounds(year, quarter)
    members = list(selectors.employer_members(actor, org).select_related("employer_org"))
    content = export.workbook_bytes(export.employer_workbook(org, members, year, quarter))
    record(actor, "member_report.export_employer", org, {
        "year": year, "quarter": quarter, "members": [m.pk for m in members]})
    return (content, *export.employer_filename(org, year, quarter))
