"""Pages of people in several roles (交叉任职、一肩挑), 换届 reminders and leaders linked to
communities, under /org/roles/.  Reads through ``selectors``, writes through ``actions``;
out of scope answers 404 like missing; a constant number of queries per page."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian import pickers, portal, xlsx
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import refusals
from organizations.areas import selectors as areas_selectors
from organizations.orgs import selectors as orgs_selectors
from organizations.roles import actions, permissions, selectors, spreadsheet
from organizations.roles.choices import REMINDER_MONTHS, LinkKind
from organizations.roles.forms import (
    CommunityFilterForm,
    EndPositionForm,
    LinkFilterForm,
    LinkForm,
    PositionFilterForm,
    PositionForm,
    RenewForm,
    TermFilterForm,
    VisitForm,
)
from organizations.roles.models import LeaderLink

REFUSED = gettext_lazy("您的角色无权查看任职与换届信息。")
LEADER_REFUSED = gettext_lazy("只有登记为联系社区的领导可以查看此页。")


def _today():
    return timezone.localdate()


def _crumb():
    return {"label": _("任职与换届"), "url": reverse("organizations:roles_index")}


def _area_or_404(user, pk):
    area = portal.get_visible_or_404(areas_selectors.areas_for(user).select_related("parent"), pk=pk)
    if not permissions.can_read_area(user, area):
        raise PermissionDeniedError(REFUSED)
    return area


def _top_area(user):
    tops = list(areas_selectors.top_areas_for(user))
    return tops[0] if tops else None


# --------------------------------------------------------------- 交叉任职 and 一肩挑
@page_access(permissions.can_read_roles, REFUSED)
def index(request):
    area = _top_area(request.user)
    if area is None:
        raise PermissionDeniedError(REFUSED)
    return redirect("organizations:roles_area", area.pk)


@page_access(permissions.can_read_roles, REFUSED)
@refusals
def area(request, pk):
    user, today = request.user, _today()
    area = _area_or_404(user, pk)
    form = CommunityFilterForm(request.GET or None)
    values = form.filters()
    yjt = {"1": True, "0": False}.get(values.get("yjt", ""))
    rows = selectors.community_rows(user, area, today, yjt=yjt, q=values.get("q", ""))
    return render(request, "organizations/roles/area.html", {
        "area": area, "form": form, "page_obj": portal.paginate(request, rows),
        "children": selectors.child_counts(user, area, today),
        "crumbs": [_crumb(), {"label": area.name, "url": None}],
    })


@page_access(permissions.can_read_roles, REFUSED)
@refusals
def cross(request, pk):
    user = request.user
    area = _area_or_404(user, pk)
    rows = selectors.cross_rows(user, area, _today())
    return render(request, "organizations/roles/cross.html", {
        "area": area, "page_obj": portal.paginate(request, rows),
        "crumbs": [_crumb(), {"label": area.name, "url": reverse("organizations:roles_area", args=[area.pk])},
                   {"label": _("交叉任职"), "url": None}],
    })


# --------------------------------------------------------------------- positions
@page_access(permissions.can_read_roles, REFUSED)
def positions(request):
    user = request.user
    form = PositionFilterForm(request.GET or None)
    values = form.filters()
    rows = selectors.filter_positions(
        selectors.position_list(user), q=values.get("q", ""), body=values.get("body", ""),
        current_on=_today() if values.get("current") else None,
    )
    return render(request, "organizations/roles/positions.html", {
        "form": form, "page_obj": portal.paginate(request, rows),
        "crumbs": [_crumb(), {"label": _("任职登记"), "url": None}],
    })


@page_access(permissions.can_read_roles, REFUSED)
@refusals
def position_new(request):
    user = request.user
    form = PositionForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            position = actions.position_record(
                actor=user, member=data["member"], body=data["body"], post=data["post"],
                started_on=data["started_on"], ended_on=data.get("ended_on"), org=data.get("org"),
                place=data.get("place"), unit=data.get("unit"),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s 的任职。") % {"name": position.member.name})
            return redirect("organizations:roles_positions")
    return render(request, "organizations/roles/form.html", {
        "form": form, "title": _("登记任职"),
        "crumbs": [_crumb(), {"label": _("任职登记"), "url": reverse("organizations:roles_positions")},
                   {"label": _("登记任职"), "url": None}],
    })


@require_POST
@page_access(permissions.can_read_roles, REFUSED)
@refusals
def position_end(request, pk):
    user = request.user
    position = portal.get_visible_or_404(selectors.positions_for(user), pk=pk)
    form = EndPositionForm(request.POST)
    if form.is_valid():
        try:
            actions.position_end(actor=user, position=position, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已登记离任。"))
    else:
        messages.error(request, _("请填写有效的任职截止日期。"))
    return redirect("organizations:roles_positions")


# --------------------------------------------------------------------------- 换届
def _reminders(request):
    user = request.user
    form = TermFilterForm(request.GET or None, user=user)
    values = form.filters()
    rows = selectors.term_reminders(
        user, _today(), months=values.get("window") or REMINDER_MONTHS, within=values.get("within"),
        state=values.get("state", ""),
    )
    return form, rows


@page_access(permissions.can_read_roles, REFUSED)
def terms(request):
    form, rows = _reminders(request)
    return render(request, "organizations/roles/terms.html", {
        "form": form, "page_obj": portal.paginate(request, rows), "today": _today(),
        "query": request.GET.urlencode(),
        "crumbs": [_crumb(), {"label": _("换届提醒"), "url": None}],
    })


@page_access(permissions.can_read_roles, REFUSED)
def terms_export(request):
    _form, rows = _reminders(request)
    today = _today()
    data = spreadsheet.build_reminders(rows.iterator(chunk_size=500), today)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = xlsx.content_disposition(_("换届提醒.xlsx"), f"term-reminders-{today:%Y%m%d}.xlsx")
    return response


@page_access(permissions.can_read_roles, REFUSED)
@refusals
def term_renew(request, pk):
    user = request.user
    org = portal.get_visible_or_404(orgs_selectors.orgs_for(user).select_related("area", "secretary"), pk=pk)
    if not permissions.can_renew_term(user, org):
        raise PermissionDeniedError(_("您无权为该党组织登记换届。"))
    form = RenewForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = actions.term_renew(actor=user, org=org, elected_on=data["elected_on"], secretary=data.get("secretary"))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s 换届，新一届任期至 %(d)s。") % {
                "name": org.name, "d": org.term_ends_on.strftime("%Y年%m月%d日")})
            return redirect("organizations:roles_terms")
    return render(request, "organizations/roles/form.html", {
        "form": form, "title": _("登记换届：%(name)s") % {"name": org.name}, "org": org,
        "crumbs": [_crumb(), {"label": _("换届提醒"), "url": reverse("organizations:roles_terms")},
                   {"label": org.name, "url": None}],
    })


# ------------------------------------------------------------------ leader links
@page_access(permissions.can_read_roles, REFUSED)
def leaders(request):
    user = request.user
    form = LinkFilterForm(request.GET or None, user=user)
    values = form.filters()
    behind = {"1": True, "0": False}.get(values.get("behind", ""))
    rows = selectors.link_rows(
        selectors.links_for(user), _today(), within=values.get("within"), behind=behind, q=values.get("q", ""),
    )
    return render(request, "organizations/roles/leaders.html", {
        "form": form, "page_obj": portal.paginate(request, rows), "today": _today(),
        "crumbs": [_crumb(), {"label": _("领导联系社区"), "url": None}],
    })


@page_access(permissions.can_read_roles, REFUSED)
@refusals
def leader_new(request):
    user = request.user
    form = LinkForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link = actions.link_create(
                actor=user, community=data["community"], kind=data["kind"], leader_name=data["leader_name"],
                leader_post=data["leader_post"], year=data["year"], required_days=data.get("required_days"),
                visits_per_month=data.get("visits_per_month"),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s 联系 %(c)s。") % {"name": link.leader_name, "c": link.community.name})
            return redirect("organizations:roles_leader_detail", link.pk)
    return render(request, "organizations/roles/form.html", {
        "form": form, "title": _("登记联系社区"),
        "crumbs": [_crumb(), {"label": _("领导联系社区"), "url": reverse("organizations:roles_leaders")},
                   {"label": _("登记联系社区"), "url": None}],
    })


def _link_or_404(user, pk):
    rows = selectors.with_month_visits(selectors.links_for(user), _today()).select_related("community")
    return portal.get_visible_or_404(rows, pk=pk)


@page_access(permissions.can_open_link, REFUSED)
@refusals
def leader_detail(request, pk):
    user, today = request.user, _today()
    link = _link_or_404(user, pk)
    form = VisitForm(request.POST or None, initial={"on": today})
    if request.method == "POST":
        if not permissions.can_log_visit(user, link):
            raise PermissionDeniedError(_("您无权登记该联系的走访。"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.visit_record(actor=user, link=link, on=data["on"], days=data["days"], note=data.get("note", ""))
            except ValidationError as exc:
                attach_errors(form, exc, field_map={"date": "on"})
            else:
                messages.success(request, _("已登记走访。"))
                return redirect("organizations:roles_leader_detail", link.pk)
    page = portal.paginate(request, selectors.visits_of(link))
    behind = _is_behind(link, today)
    return render(request, "organizations/roles/leader_detail.html", {
        "link": link, "form": form, "page_obj": page, "behind": behind,
        "due": selectors.required_to_date(link, today), "can_log": permissions.can_log_visit(user, link),
        "crumbs": [_crumb(), {"label": _("领导联系社区"), "url": reverse("organizations:roles_leaders")},
                   {"label": link.leader_name, "url": None}],
    })


def _is_behind(link, today) -> bool:
    if not (link.starts_on <= today <= link.ends_on):
        return False
    if link.kind == LinkKind.LIAISON:
        return link.covered_until < today
    return link.month_visits < (link.visits_per_month or 0)


@page_access(permissions.can_open_my_links, LEADER_REFUSED)
def leaders_mine(request):
    user = request.user
    rows = selectors.link_rows(LeaderLink.objects.filter(leader=user), _today())
    return render(request, "organizations/roles/leaders_mine.html", {
        "page_obj": portal.paginate(request, rows), "today": _today(),
        "crumbs": [{"label": _("我的联系社区"), "url": None}],
    })


# ------------------------------------------------------------------------ pickers
def _reader(request):
    if not permissions.can_read_roles(request.user):
        raise Http404
    return request


pick_members = pickers.picker_view(lambda r: selectors.pickable_members(_reader(r).user), label=selectors.member_label)
pick_units = pickers.picker_view(lambda r: selectors.pickable_units(_reader(r).user), label=selectors.unit_label)
