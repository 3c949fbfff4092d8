"""Pages of 双报到 (reporting in) under ``/services/reporting/``.

* ``index`` — the reporting rate, hours and members reaching the target of an area and
  its children down to the communities (roster roles); a member without a grant goes to
  their own page.
* ``board`` — a community's in-service members with their report status (已报到 /
  需重新报到 / 未报到), hours this year against the target (progress bar); filters status,
  employer, name; pagination; the export buttons.
* ``report_in`` — a cadre registers a member's report on their behalf; ``my_report`` —
  the member's own "我要报到".
* ``mine`` / ``member_detail`` — a member's reports, hours by source and quarter, target.
* ``agreement_*`` — co-building agreements: list, form, detail, end.
* ``member_sheet`` / ``employer_workbook`` — the quarterly feedback Excel files.

Roles: the boards and summaries need a roster role over the area (403 otherwise); writes
and exports a managing role (checked again by the actions).  Out of scope → 404.  Every
page runs a constant number of queries whatever the number of rows.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian import pickers, portal, trees
from dangjian.access import has_scope, page_access
from dangjian.errors import PermissionDeniedError, message_of
from dangjian.forms import attach_errors
from dangjian.portal import int_param, paginate, refusals
from dangjian.scoping import get_scope
from dangjian.xlsx import content_disposition
from organizations.areas import selectors as areas_selectors
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import MANAGE_ROLES
from organizations.members import selectors as members_selectors
from organizations.members.choices import ROSTER_ROLES
from organizations.members.models import Member
from organizations.orgs.forms import org_label
from organizations.orgs.models import PartyOrg
from services.checkins import actions, permissions, rules, selectors
from services.checkins.choices import AgreementStatus
from services.checkins.forms import (
    AgreementFilterForm,
    AgreementForm,
    BoardFilterForm,
    ReportInForm,
    SelfReportForm,
    YearForm,
    member_label,
    quarter_form,
    report_in_members,
    reporting_orgs,
)
from services.ledger.models import ServiceSource
from services.resident import permissions as resident_permissions
from services.resident.views import crumbs as _crumbs
from services.resident.views import post_form

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_MEMBER = gettext_lazy("您的账号没有关联党员信息，请联系所在党组织。")


def _home_crumb():
    return (_("双报到"), reverse("reporting:index"))


def _year(request, today):
    form = YearForm(request.GET or None)
    return form, form.filters().get("year") or today.year


def _xlsx(content, filename, ascii_name):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(filename, ascii_name)
    response["Cache-Control"] = "private, no-store"
    return response


# ----------------------------------------------------------------------------- summary
@page_access(permissions.can_open_reporting, gettext_lazy("您的角色无权查看双报到情况。"))
@refusals
def index(request):
    user = request.user
    if not permissions.oversees_reporting(user):  # a party member (the page's rule): their own page
        return redirect("reporting:mine")
    scope = get_scope(user)
    today = timezone.localdate()
    year_form, year = _year(request, today)
    area_id = int_param(request, "area")
    if area_id is None:
        tops = [a for a in areas_selectors.top_areas_for(user) if a.level <= AreaLevel.COMMUNITY]
        if not tops:
            raise PermissionDeniedError(_("您的管辖范围内没有社区。"))
        area = tops[0]
        if area.level == AreaLevel.COMMUNITY and len(tops) == 1:
            return redirect("reporting:board", pk=area.pk)
        others = tops[1:]
    else:
        area = portal.get_visible_or_404(areas_selectors.areas_for(user), pk=area_id)
        if area.level > AreaLevel.COMMUNITY:
            raise Http404
        if not scope.covers_area(area, ROSTER_ROLES):
            raise PermissionDeniedError(_("您的角色无权查看该区域的双报到情况。"))
        others = []
    own, children = selectors.summary_rows(area, on_date=today, year=year)
    return render(request, "services/reporting/index.html", {
        "area": area, "own": own, "children": children, "others": others, "year": year, "year_form": year_form,
        "target": rules.hours_target(), "valid_months": rules.valid_months(),
        "has_member": resident_permissions.member_of(user) is not None,
        "crumbs": _crumbs(_home_crumb(), (area.name, None)),
    })


# ------------------------------------------------------------------------------- board
def _community_for(user, pk, roles=ROSTER_ROLES, message=None):
    community = portal.get_visible_or_404(areas_selectors.areas_for(user).select_related("parent"), pk=pk)
    if community.level != AreaLevel.COMMUNITY:
        raise Http404
    if not get_scope(user).covers_area(community, roles):
        raise PermissionDeniedError(message or _("您的角色无权查看该社区的在职党员报到情况。"))
    return community


@login_required
@refusals
def board(request, pk):
    user = request.user
    community = _community_for(user, pk)
    today = timezone.localdate()
    year = today.year
    filters = BoardFilterForm(request.GET or None)
    values = filters.filters()
    members = selectors.community_board(community, on_date=today, year=year)
    counts = selectors.board_counts(members)
    shown = selectors.search_board(members, **values).order_by("name", "pk")
    # the counts just read say how many rows the page's list has, when only the status narrows it
    narrowed = {k for k, v in values.items() if v}
    known = counts["total"] if not narrowed else counts.get(values["status"]) if narrowed == {"status"} else None
    page_obj = (portal.CountedPaginator(shown, portal.PAGE_SIZE, count=known).get_page(request.GET.get("page"))
                if known is not None else paginate(request, shown))
    selectors.attach_hours_by_source(page_obj.object_list, year)
    can_manage = get_scope(user).covers_area(community, MANAGE_ROLES)
    return render(request, "services/reporting/board.html", {
        "community": community, "page_obj": page_obj, "filters": filters, "counts": counts, "year": year,
        "today": today, "target": rules.hours_target(), "can_manage": can_manage,
        "statuses": selectors.ReportStatus, "sources": ServiceSource.choices,
        "employers": list(selectors.employers_of(selectors.in_service_residents(community))) if can_manage else [],
        "quarter_form": quarter_form(), "agreement_count": selectors.agreements_for(user).filter(
            community=community, status=AgreementStatus.ACTIVE).count(),
        "crumbs": _crumbs(_home_crumb(), (community.parent.name if community.parent_id else "", None),
                          (community.name, None)),
    })


@refusals
def pick_residents(request, pk):
    """Picker options of the report-in form (it validates against the same queryset)."""
    return pickers.picker_view(
        lambda r: report_in_members(_community_for(r.user, pk, MANAGE_ROLES, _("只有社区工作人员可以代党员登记报到。"))),
        label=member_label)(request)


@refusals
def pick_orgs(request):
    """Picker options of the agreement form: the unit organizations the user may register for."""
    if request.user.is_authenticated and not get_scope(request.user).has_role(*MANAGE_ROLES):
        raise PermissionDeniedError(_("只有管理人员可以登记共建协议。"))
    return pickers.picker_view(lambda r: reporting_orgs(r.user), fields=("name", "code", "area__name"),
                               label=org_label)(request)


@login_required
@refusals
def report_in(request, pk):
    """A cadre registers an in-service member's report on their behalf."""
    user = request.user
    community = _community_for(user, pk, MANAGE_ROLES, _("只有社区工作人员可以代党员登记报到。"))
    initial = {}
    if (member_id := int_param(request, "member")) is not None:
        initial["member"] = member_id
    form = ReportInForm(request.POST if request.method == "POST" else None, community=community, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = actions.member_report_in(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc, field_map={"member": "member"})
        else:
            if report.created:
                messages.success(request, _("已登记“%(name)s”报到，有效期至%(until)s。") % {
                    "name": report.member.name, "until": _date(report.valid_until)})
            else:
                messages.info(request, _("“%(name)s”已报到，有效期至%(until)s，无需重复登记。") % {
                    "name": report.member.name, "until": _date(report.valid_until)})
            return redirect("reporting:board", pk=community.pk)
    return render(request, "services/reporting/report_form.html", {
        "community": community, "form": form,
        "crumbs": _crumbs(_home_crumb(), (community.name, reverse("reporting:board", args=[community.pk])),
                          (_("代党员登记报到"), None)),
    }, status=400 if form.is_bound and form.errors else 200)


def _date(day):
    return f"{day.year}年{day.month}月{day.day}日"


# ----------------------------------------------------------------------- member pages
def _member_page(request, member, *, is_self):
    today = timezone.localdate()
    year_form, year = _year(request, today)
    overview = selectors.member_overview(member, today=today, year=year)
    renewable = member.in_service and (
        overview.status != selectors.ReportStatus.VALID
        or (overview.valid_until - today).days <= actions.RENEW_WINDOW_DAYS)
    can_export = not is_self and permissions.can_export_member(request.user, member)
    crumbs = _crumbs((_("我的服务"), None)) if is_self else _crumbs(_home_crumb(), (member.name, None))
    return render(request, "services/reporting/member.html", {
        "member": member, "o": overview, "is_self": is_self, "year_form": year_form,
        "can_report": is_self and renewable, "self_form": SelfReportForm(),
        "can_export": can_export, "quarter_form": quarter_form(), "crumbs": crumbs,
    })


@page_access(permissions.is_member, NO_MEMBER)
@refusals
def mine(request):
    member = resident_permissions.member_of(request.user)
    if member is None:  # unlinked since the scope was read
        raise PermissionDeniedError(str(NO_MEMBER))
    member = Member.objects.select_related("residence", "organization", "employer_org").get(pk=member.pk)
    return _member_page(request, member, is_self=True)


@login_required
@refusals
@require_POST
def my_report(request):
    member = resident_permissions.member_of(request.user)
    if member is None:
        raise PermissionDeniedError(str(NO_MEMBER))
    form = SelfReportForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("skills") or _("请检查填写内容。"))
        report = actions.member_report_in(actor=request.user, member=member, skills=form.cleaned_data["skills"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if report.created:
            messages.success(request, _("报到成功！已到“%(community)s”报到，有效期至%(until)s。欢迎参加社区志愿服务。") % {
                "community": report.community.name, "until": _date(report.valid_until)})
        else:
            messages.info(request, _("您已报到，有效期至%(until)s。") % {"until": _date(report.valid_until)})
    return redirect("reporting:mine")


@login_required
@refusals
def member_detail(request, pk):
    user = request.user
    member = portal.get_visible_or_404(
        members_selectors.members_for(user).select_related("residence", "organization", "employer_org__area"), pk=pk)
    if member.user_id == user.pk:
        return redirect("reporting:mine")
    return _member_page(request, member, is_self=False)


# ------------------------------------------------------------------------------ exports
@login_required
@refusals
def member_sheet(request, pk):
    return _export(request, Member, pk, lambda member, **period: actions.member_sheet_export(member=member, **period))


@login_required
@refusals
def employer_workbook(request, pk):
    return _export(request, PartyOrg, pk, lambda org, **period: actions.employer_workbook_export(org=org, **period))


def _export(request, model, pk, export):
    """The workbook ``export(row, actor=, year=, quarter=)`` of row ``pk`` (the action checks scope and rights)."""
    row = model.objects.filter(pk=pk).only("pk").first()
    if row is None:
        raise Http404
    year, quarter = quarter_form(request.GET).period()
    return _xlsx(*export(row, actor=request.user, year=year, quarter=quarter))


@login_required
def employer_export(request):
    """The employer picker of the board: ``?org=&year=&quarter=`` → the workbook's URL."""
    org_id = int_param(request, "org")
    if org_id is None:
        raise Http404
    query = request.GET.copy()
    query.pop("org", None)
    url = reverse("reporting:employer_workbook", args=[org_id])
    return redirect(f"{url}?{query.urlencode()}" if query else url)


# --------------------------------------------------------------------------- agreements
@page_access(has_scope, gettext_lazy("您还没有被授权，请联系管理员。"))
@refusals
def agreement_list(request):
    user = request.user
    filters = AgreementFilterForm(request.GET or None)
    values = filters.filters()
    qs = selectors.agreements_for(user)
    community = None
    if values.get("community"):
        community = portal.get_visible_or_404(
            areas_selectors.areas_for(user).filter(level=AreaLevel.COMMUNITY), pk=values["community"])
        qs = qs.filter(community=community)
    if q := values.get("q"):
        from django.db.models import Q

        qs = qs.filter(Q(title__icontains=q) | Q(org__name__icontains=q))
    counts = selectors.agreement_counts(qs)
    if values.get("status"):
        qs = qs.filter(status=values["status"])
    can_create = get_scope(user).has_role(*MANAGE_ROLES)
    return render(request, "services/reporting/agreement_list.html", {
        "page_obj": paginate(request, qs.order_by("-starts_on", "-pk")), "filters": filters, "community": community,
        "counts": [(s, s.label, counts[s.value]) for s in AgreementStatus], "can_create": can_create,
        "today": timezone.localdate(),
        "crumbs": _crumbs(_home_crumb(), (_("共建协议"), None)),
    })


def _agreement_for(user, pk):
    agreement = selectors.agreements_for(user).select_related("org__area", "community__parent", "created_by").filter(
        pk=pk).first()
    if agreement is None:
        raise Http404
    return agreement


@login_required
@refusals
def agreement_detail(request, pk):
    user = request.user
    agreement = _agreement_for(user, pk)
    can_manage = permissions.can_manage_agreement(user, community=agreement.community, org=agreement.org)
    return render(request, "services/reporting/agreement_detail.html", {
        "a": agreement, "branches": list(agreement.branches.select_related("area").order_by("name")),
        "can_manage": can_manage and agreement.status == AgreementStatus.ACTIVE, "today": timezone.localdate(),
        "crumbs": _crumbs(_home_crumb(), (_("共建协议"), reverse("reporting:agreement_list")), (agreement.title, None)),
    })


@login_required
@refusals
def agreement_create(request):
    user = request.user
    if not get_scope(user).has_role(*MANAGE_ROLES):
        raise PermissionDeniedError(_("只有管理人员可以登记共建协议。"))
    community_id = int_param(request, "community")
    if community_id is None:
        communities = selectors.managed_communities(user).select_related("parent").order_by(*trees.tree_order())
        return render(request, "services/reporting/agreement_pick.html", {
            "page_obj": paginate(request, communities),
            "crumbs": _crumbs(_home_crumb(), (_("共建协议"), reverse("reporting:agreement_list")), (_("新增"), None)),
        })
    community = portal.get_visible_or_404(
        areas_selectors.areas_for(user).filter(level=AreaLevel.COMMUNITY), pk=community_id)
    form = AgreementForm(request.POST if request.method == "POST" else None, user=user, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = actions.agreement_create(
                actor=user, org=form.cleaned_data["org"], community=community, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("共建协议已登记。"))
            return redirect("reporting:agreement_detail", pk=agreement.pk)
    return render(request, "services/reporting/agreement_form.html", {
        "form": form, "community": community, "agreement": None,
        "crumbs": _crumbs(_home_crumb(), (_("共建协议"), reverse("reporting:agreement_list")), (_("新增"), None)),
    }, status=400 if form.is_bound and form.errors else 200)


@login_required
@refusals
def agreement_edit(request, pk):
    user = request.user
    agreement = _agreement_for(user, pk)
    if not permissions.can_manage_agreement(user, community=agreement.community, org=agreement.org):
        raise PermissionDeniedError(_("只有报到社区或报到党组织的管理人员可以登记、修改共建协议。"))
    form = AgreementForm(request.POST if request.method == "POST" else None, user=user,
                         community=agreement.community, agreement=agreement)
    if request.method == "POST":
        response = post_form(request, form, lambda data: actions.agreement_update(actor=user, agreement=agreement,
                                                                                   **form.action_values()),
                             done=_("共建协议已保存。"), to=lambda: redirect("reporting:agreement_detail", pk=agreement.pk))
        if response is not None:
            return response
    return render(request, "services/reporting/agreement_form.html", {
        "form": form, "community": agreement.community, "agreement": agreement,
        "crumbs": _crumbs(_home_crumb(), (_("共建协议"), reverse("reporting:agreement_list")),
                          (agreement.title, reverse("reporting:agreement_detail", args=[agreement.pk])), (_("修改"), None)),
    }, status=400 if form.is_bound and form.errors else 200)


@login_required
@refusals
@require_POST
def agreement_end(request, pk):
    agreement = _agreement_for(request.user, pk)
    try:
        actions.agreement_end(actor=request.user, agreement=agreement, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, _("共建协议已结束。"))
    return redirect("reporting:agreement_detail", pk=agreement.pk)

