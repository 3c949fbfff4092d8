"""Portal pages of dues (党费), under /org/dues/: the hub, a branch's monthly sheet with its
forms (record a payment for one or several months, an exemption, a base), its Excel export
and import, the arrears and six-months lists, the totals for the superior, and a member's
own record.  Views are thin: reads through ``selectors``, writes through ``actions``; out
of scope answers 404 like missing; every page a constant number of queries."""
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from dangjian import portal, trees, xlsx
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import PAGE_SIZE, int_param, refusals
from organizations.areas import selectors as areas_selectors
from organizations.areas.choices import AreaLevel
from organizations.dues import actions, permissions, selectors, spreadsheet
from organizations.dues import brackets as calc
from organizations.dues.choices import LAPSE_MONTHS
from organizations.dues.forms import BaseForm, ExemptForm, ImportForm, PaymentForm, YearForm
from organizations.members.models import Member
from organizations.orgs import selectors as orgs_selectors
from organizations.orgs.choices import OrgKind

REFUSED = gettext_lazy("您的角色无权查看党费。")
MEMBER_FIELDS = ("pk", "name", "status", "joined_on", "organization_id", "user_id", "organization__name")


def _today():
    return timezone.localdate()


def _dues_crumb():
    return {"label": _("党费"), "url": reverse("organizations:dues_index")}


def _org_or_404(user, pk):
    org = portal.get_visible_or_404(orgs_selectors.orgs_for(user).select_related("area"), pk=pk)
    if not permissions.can_read_org_dues(user, org):
        raise PermissionDeniedError(REFUSED)
    return org


def _top_area(user):
    tops = list(areas_selectors.top_areas_for(user))
    return tops[0] if tops else None


def _subject(request):
    """The organization (``?org=``) or area (``?within=``) a list is about; the user's top area by default."""
    user = request.user
    org_id, area_id = int_param(request, "org"), int_param(request, "within")
    if org_id is not None:
        return _org_or_404(user, org_id), None
    if area_id is not None:
        area = portal.get_visible_or_404(areas_selectors.areas_for(user), pk=area_id)
    else:
        area = _top_area(user)
    if area is None or not permissions.can_read_area_dues(user, area):
        raise PermissionDeniedError(REFUSED)
    return None, area


def _year(request):
    values = YearForm(request.GET or None).filters()
    return values.get("year") or _today().year


def _month_param(request):
    raw = request.GET.get("month") or ""
    try:
        y, m = raw.split("-")
        return date(int(y), int(m), 1)
    except (ValueError, TypeError):
        return calc.month_start(_today())


# ------------------------------------------------------------------------------- hub
@page_access(permissions.can_open_member_dues, REFUSED)
def index(request):
    """Where to start: the branches the user keeps the dues of, and their area's lists."""
    user = request.user
    if not permissions.can_read_dues(user):
        return redirect("organizations:dues_mine")
    area = _top_area(user)
    orgs = (
        orgs_selectors.orgs_for(user).filter(kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH])
        .select_related("area").order_by(*trees.tree_order())
    )
    page = portal.paginate(request, orgs)
    return render(request, "organizations/dues/index.html", {
        "page_obj": page, "area": area, "crumbs": [{"label": _("党费"), "url": None}],
    })


# ------------------------------------------------------------------------ the sheet
@page_access(permissions.can_read_dues, REFUSED)
@refusals
def sheet(request, pk):
    user = request.user
    org = _org_or_404(user, pk)
    year = _year(request)
    today = _today()
    members = (
        selectors.dues_members_for(user).filter(organization=org)
        .select_related("organization").only(*MEMBER_FIELDS).order_by("name", "pk")
    )
    page = portal.paginate(request, members, windowed=True)  # rows and count in one query
    rows = selectors.sheet_rows(page.object_list, year, today)
    months = [date(year, m, 1) for m in range(1, 13)]
    can_record = permissions.can_record_for(user, org)
    record_url = reverse("organizations:dues_record", args=[org.pk])
    member_url = reverse("organizations:dues_member", args=[0]).removesuffix("0/")
    headings = [_("%(m)d月") % {"m": m.month} for m in months]
    marks = _cell_marks()
    for row in rows:  # 600 cells: their markup made here once, not by template tags per cell
        row.record_url = f"{record_url}?member={row.member.pk}" if can_record else ""
        row.member_url = f"{member_url}{row.member.pk}/"
        row.cells_html = mark_safe("".join(_cell_html(cell, heading, row.record_url, marks)
                                           for cell, heading in zip(row.cells, headings, strict=True)))
    return render(request, "organizations/dues/sheet.html", {
        "org": org, "year": year, "months": months, "rows": rows, "page_obj": page, "headings": headings,
        "can_record": can_record,
        "this_month": f"{calc.month_start(today):%Y-%m}", "today": today,
        "crumbs": [_dues_crumb(), {"label": org.name, "url": None}, {"label": _("%(y)d年党费收缴") % {"y": year}, "url": None}],
    })


def _cell_marks() -> dict:
    return {
        "paid": '<span class="text-success">✓</span>',
        "advance": format_html('<span class="text-success">{}</span>', _("预")),
        "late": format_html('<span class="text-primary">{}</span>', _("补")),
        "exempt": format_html('<span class="text-muted">{}</span>', _("免")),
        "not_due": '<span class="text-muted">—</span>',
        "due": _("未交"),
    }


def _cell_html(cell, heading, record_url, marks) -> str:
    """One month of the sheet: ``<td>`` with its phone label, month, status and mark (a link to
    record it when due and the user may record)."""
    title = cell.label + (f"：{cell.payment.exempt_reason}" if cell.payment is not None and cell.payment.exempt_reason else "")
    if cell.status == "due":
        mark = (format_html('<a class="text-danger" href="{}&amp;month={}">{}</a>', record_url, cell.key, marks["due"]) if record_url
                else format_html('<span class="text-danger">{}</span>', marks["due"]))
    else:
        mark = marks[cell.status]
    return format_html('<td data-label="{}" class="text-center" data-month="{}" data-status="{}" title="{}">{}</td>',
                       heading, cell.key, cell.status, title, mark_safe(mark))


def _branch_members(user, org):
    return selectors.dues_members_for(user).filter(organization=org).order_by("name", "pk")


def _record_page(request, pk, *, form_class, title, handle):
    user = request.user
    org = _org_or_404(user, pk)
    if not permissions.can_record_for(user, org):
        raise PermissionDeniedError(_("您的角色无权登记该支部的党费。"))
    members = _branch_members(user, org)
    initial = {"member": int_param(request, "member"), "first_month": _month_param(request), "year": _today().year}
    form = form_class(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            message = handle(user, form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc, field_map={"months": "first_month", "exempt_reason": "reason"})
        else:
            messages.success(request, message)
            year = form.cleaned_data.get("year") or form.cleaned_data["first_month"].year
            return redirect(f"{reverse('organizations:dues_sheet', args=[org.pk])}?year={year}")
    return render(request, "organizations/dues/form.html", {
        "form": form, "title": title, "org": org,
        "crumbs": [_dues_crumb(), {"label": org.name, "url": reverse("organizations:dues_sheet", args=[org.pk])},
                   {"label": title, "url": None}],
    })


@page_access(permissions.can_read_dues, REFUSED)
@refusals
def record(request, pk):
    def handle(user, data):
        rows = actions.dues_payment_record(actor=user, member=data["member"], first_month=data["first_month"],
                                           count=data["count"], paid_on=data["paid_on"], amount_paid=data.get("amount_paid"))
        return _("已登记 %(name)s %(n)d 个月的党费，共 %(sum)s 元。") % {
            "name": data["member"].name, "n": len(rows), "sum": sum((r.amount_paid for r in rows), calc.ZERO)}

    return _record_page(request, pk, form_class=PaymentForm, title=_("登记党费"), handle=handle)


@page_access(permissions.can_read_dues, REFUSED)
@refusals
def exempt(request, pk):
    def handle(user, data):
        rows = actions.dues_payment_exempt(actor=user, member=data["member"], first_month=data["first_month"],
                                           count=data["count"], reason=data["reason"])
        return _("已登记 %(name)s %(n)d 个月免交党费。") % {"name": data["member"].name, "n": len(rows)}

    return _record_page(request, pk, form_class=ExemptForm, title=_("登记免交"), handle=handle)


@page_access(permissions.can_read_dues, REFUSED)
@refusals
def declare_base(request, pk):
    def handle(user, data):
        row = actions.dues_base_declare(actor=user, member=data["member"], year=data["year"], from_month=data["from_month"],
                                        category=data["category"], base=data.get("base"), declared_on=data["declared_on"])
        return _("已申报 %(name)s 的党费基数：%(y)d年%(m)d月起每月应交 %(amount)s 元。") % {
            "name": data["member"].name, "y": row.year, "m": row.from_month, "amount": row.monthly_amount}

    return _record_page(request, pk, form_class=BaseForm, title=_("申报党费基数"), handle=handle)


@page_access(permissions.can_read_dues, REFUSED)
@refusals
def export(request, pk):
    user = request.user
    org = _org_or_404(user, pk)
    month = _month_param(request)
    members = _branch_members(user, org).only("pk", "name")
    data = spreadsheet.build_sheet(org, month, selectors.month_rows(members, month, _today()))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = xlsx.content_disposition(spreadsheet.filename(org, month), f"dues-{org.pk}-{month:%Y-%m}.xlsx")
    return response


@never_cache
@page_access(permissions.can_read_dues, REFUSED)
@refusals
def import_month(request, pk):
    user = request.user
    org = _org_or_404(user, pk)
    if not permissions.can_record_for(user, org):
        raise PermissionDeniedError(_("您的角色无权登记该支部的党费。"))
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = spreadsheet.import_month(actor=user, org=org, upload=form.cleaned_data["file"], today=_today())
        if outcome.ok:
            messages.success(request, _("已导入 %(y)d年%(m)d月党费 %(n)d 条（跳过 %(s)d 行）。") % {
                "y": outcome.month.year, "m": outcome.month.month, "n": outcome.written, "s": outcome.skipped})
            return redirect(f"{reverse('organizations:dues_sheet', args=[org.pk])}?year={outcome.month.year}")
    return render(request, "organizations/dues/import.html", {
        "form": form, "org": org, "outcome": outcome, "this_month": f"{calc.month_start(_today()):%Y-%m}",
        "crumbs": [_dues_crumb(), {"label": org.name, "url": reverse("organizations:dues_sheet", args=[org.pk])},
                   {"label": _("导入党费收缴表"), "url": None}],
    }, status=400 if outcome is not None else 200)


# ------------------------------------------------------------------------ the lists
def _member_list(request, *, months, template, title):
    user = request.user
    org, area = _subject(request)
    today = _today()
    members = (
        selectors.lapsed_members(user, org or area, today, months=months)
        .select_related("organization", "dues_state").only(*MEMBER_FIELDS, "dues_state__start_month", "dues_state__last_covered")
        .order_by("dues_state__last_covered", *trees.tree_order("organization"), "name", "pk")
    )
    page = portal.paginate(request, members, windowed=True)
    selectors.attach_states(page.object_list, today)
    return render(request, template, {
        "org": org, "area": area, "subject": org or area, "page_obj": page, "months": months, "title": title,
        "crumbs": [_dues_crumb(), {"label": (org or area).name, "url": None}, {"label": title, "url": None}],
    })


@page_access(permissions.can_read_dues, REFUSED)
@refusals
def arrears(request):
    return _member_list(request, months=1, template="organizations/dues/members.html", title=_("欠交党费党员"))


@page_access(permissions.can_read_dues, REFUSED)
@refusals
def lapsed(request):
    return _member_list(request, months=LAPSE_MONTHS, template="organizations/dues/members.html",
                        title=_("连续六个月未交党费党员"))


@page_access(permissions.can_read_dues, REFUSED)
@refusals
def totals(request):
    """The year's dues of an area per child area, or per organization for a community (or below)."""
    user = request.user
    _org, area = _subject(request) if int_param(request, "org") is None else (None, None)
    if area is None:
        raise Http404
    year = _year(request)
    if area.level >= AreaLevel.COMMUNITY:
        children = list(orgs_selectors.orgs_for(user).filter(trees.subtree_q(area, "area"))
                        .filter(kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH]).order_by(*trees.tree_order())[:PAGE_SIZE * 4])
    else:
        children = list(areas_selectors.areas_for(user).filter(parent=area).order_by(*trees.tree_order()))
    rows, whole = selectors.totals(user, area, year, children=children)
    return render(request, "organizations/dues/totals.html", {
        "area": area, "year": year, "rows": rows, "whole": whole, "filters": YearForm(request.GET or None),
        "children_are_orgs": area.level >= AreaLevel.COMMUNITY,
        "crumbs": [_dues_crumb(), {"label": area.name, "url": None}, {"label": _("%(y)d年党费汇总") % {"y": year}, "url": None}],
    })


# ---------------------------------------------------------------------- one member
def _member_page(request, member):
    user = request.user
    today = _today()
    years = selectors.member_years(member, today)
    state = getattr(member, "dues_state", None)
    streak = calc.unpaid_streak(start_month=state.start_month if state else None,
                                last_covered=state.last_covered if state else None, today=today)
    org = member.organization
    return render(request, "organizations/dues/member.html", {
        "member": member, "years": years, "streak": streak, "lapsed": streak >= LAPSE_MONTHS, "state": state,
        "can_record": permissions.can_record_for(user, org), "org": org,
        "crumbs": [_dues_crumb(), {"label": member.name, "url": None}, {"label": _("党费记录"), "url": None}],
    })


@page_access(permissions.can_open_member_dues, REFUSED)
def member(request, pk):
    user = request.user
    found = portal.get_visible_or_404(
        selectors.dues_members_for(user).select_related("organization__area", "dues_state"), pk=pk)
    return _member_page(request, found)


@page_access(permissions.has_member_record, gettext_lazy("您的账号没有关联党员信息。"))
def mine(request):
    found = Member.objects.select_related("organization__area", "dues_state").filter(user=request.user).first()
    if found is None:
        raise Http404
    return _member_page(request, found)

