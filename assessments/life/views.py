"""Portal pages of organizational life: activities of an organization (list and month
view), the activity form with its attendance table and live quorum, the activity page
with its QR code, QR sign-in, an organization's compliance calendar, an area's compliance
overview, members without organizational life, service hours, and the rule sets.

Views are thin: reads go through ``assessments.life.selectors`` (scoped querysets and set-based
figures), writes through ``assessments.life.actions``.  Out of scope answers 404 like a
missing object; a role that may see but not act answers 403 with a Chinese message; every
page runs a constant number of queries.
"""
import calendar as pycalendar
from datetime import date, timedelta

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from assessments.life import actions, permissions, schedule, selectors
from assessments.life.choices import PeriodStatus
from assessments.life.forms import ActivityFilterForm, ActivityForm, AttendanceTable, RulePublishForm, YearForm, attach_errors
from assessments.life.models import ActivityType
from dangjian import portal, trees
from dangjian.access import has_scope, page_access
from dangjian.errors import PermissionDeniedError
from dangjian.portal import PAGE_SIZE, refusals
from dangjian.portal import int_param as _int_param
from dangjian.portal import paginate as _paginate
from organizations.areas import selectors as areas_selectors
from organizations.dues import permissions as dues_permissions
from organizations.dues import selectors as dues_selectors
from organizations.members import selectors as members_selectors
from organizations.members.choices import OrgRole
from organizations.members.places import anchored_q
from organizations.orgs import selectors as orgs_selectors
from organizations.orgs.choices import OrgCategory, OrgKind
from services.deliberation import permissions as deliberation_permissions
from services.ledger import selectors as ledger_selectors


# ----------------------------------------------------------------------------- helpers
def _org_or_404(user, pk):
    return portal.get_visible_or_404(orgs_selectors.orgs_for(user).select_related("area", "parent"), pk=pk)


def _area_or_404(user, pk):
    return portal.get_visible_or_404(areas_selectors.areas_for(user).select_related("parent"), pk=pk)


def _life_crumb():
    return {"label": _("组织生活"), "url": reverse("assessments:index")}


def _org_crumbs(org, *, tail=None, link_self=True):
    crumbs = [_life_crumb(), {"label": org.name, "url": reverse("assessments:org_activities", args=[org.pk]) if link_self else None}]
    if tail:
        crumbs.append({"label": tail, "url": None})
    return crumbs


def _org_tabs(org, active):
    tabs = [
        ("list", _("活动列表"), "assessments:org_activities"),
        ("month", _("月历"), "assessments:org_month"),
        ("calendar", _("合规日历"), "assessments:org_calendar"),
    ]
    return [{"label": label, "url": reverse(name, args=[org.pk]), "active": key == active} for key, label, name in tabs]


def _today():
    return timezone.localdate()


def _top_area(user):
    tops = list(areas_selectors.top_areas_for(user))
    return tops[0] if tops else None


# --------------------------------------------------------------------------- hub
@page_access(permissions.can_open_life, gettext_lazy("您还没有被授权，请联系管理员。"))
def index(request):
    """Where to start: the user's top area (compliance, inactive members, rules) and the
    organizations they file for."""
    user = request.user
    tops = [a for a in areas_selectors.top_areas_for(user) if permissions.can_oversee(user, a)]
    orgs = list(
        selectors.manageable_orgs(user).select_related("area").order_by(*trees.tree_order())[:PAGE_SIZE + 1]
    ) if permissions.can_file_anywhere(user) else []
    member = members_selectors.members_for(user).filter(user=user).first()
    mine = hours = None
    if member is not None:  # a party member's own organizational life and service time
        today = _today()
        mine = list(member.attendance.select_related("activity__activity_type", "activity__org").order_by("-activity__starts_at")[:10])
        hours = ledger_selectors.member_year_hours(member.pk, today.year)
    return render(request, "assessments/index.html", {
        "member": member, "mine": mine, "hours": hours,
        "tops": tops,
        "orgs": orgs[:PAGE_SIZE],
        "more_orgs": len(orgs) > PAGE_SIZE,
        "can_publish": permissions.can_publish_rules_anywhere(user),
        "crumbs": [],
    })


# --------------------------------------------------------------------- activity lists
@page_access(has_scope, gettext_lazy("您还没有被授权，请联系管理员。"))
def activity_list(request):
    """Every activity the user can see, newest first, filterable by type and dates."""
    user = request.user
    filters = ActivityFilterForm(request.GET or None)
    values = filters.filters()
    qs = selectors.activities_for(user).select_related("org", "activity_type").order_by("-starts_at", "-pk")
    page = _paginate(request, _apply_filters(qs, values))
    selectors.attach_attendance_counts(page.object_list)
    return render(request, "assessments/activity_list.html", {
        "page_obj": page, "filters": filters, "crumbs": [_life_crumb(), {"label": _("全部活动"), "url": None}],
    })


def _apply_filters(qs, values):
    if values.get("activity_type"):
        qs = qs.filter(activity_type=values["activity_type"])
    if values.get("start"):
        qs = qs.filter(starts_at__gte=selectors.day_start(values["start"]))
    if values.get("end"):
        qs = qs.filter(starts_at__lt=selectors.day_start(values["end"] + timedelta(days=1)))
    return qs


@login_required
def org_activities(request, pk):
    user = request.user
    org = _org_or_404(user, pk)
    filters = ActivityFilterForm(request.GET or None)
    qs = selectors.activities_for(user).filter(org=org).select_related("activity_type").order_by("-starts_at", "-pk")
    page = _paginate(request, _apply_filters(qs, filters.filters()))
    selectors.attach_attendance_counts(page.object_list)
    return render(request, "assessments/org_activities.html", {
        "org": org, "page_obj": page, "filters": filters,
        "tabs": _org_tabs(org, "list"), "crumbs": _org_crumbs(org, link_self=False),
        "can_file": permissions.can_file_for(user, org),
    })


@login_required
def org_month(request, pk):
    """A month grid of the organization's activities (``?month=2026-05``)."""
    user = request.user
    org = _org_or_404(user, pk)
    today = _today()
    year, month = today.year, today.month
    raw = request.GET.get("month", "")
    if raw:
        try:
            year, month = (int(x) for x in raw.split("-", 1))
            date(year, month, 1)
        except ValueError:
            raise Http404 from None
    first = date(year, month, 1)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    activities = list(
        selectors.activities_for(user)
        .filter(org=org, starts_at__gte=selectors.day_start(weeks[0][0]),
                starts_at__lt=selectors.day_start(weeks[-1][-1] + timedelta(days=1)))
        .select_related("activity_type")
        .order_by("starts_at", "pk")
    )
    by_day = {}
    for a in activities:
        by_day.setdefault(schedule.local_date(a.starts_at), []).append(a)
    grid = [[{"day": d, "in_month": d.month == month, "today": d == today, "activities": by_day.get(d, [])} for d in week]
            for week in weeks]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return render(request, "assessments/org_month.html", {
        "org": org, "weeks": grid, "first": first, "previous": previous, "following": following,
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        "tabs": _org_tabs(org, "month"), "crumbs": _org_crumbs(org, tail=_("月历")),
        "can_file": permissions.can_file_for(user, org),
    })


# ----------------------------------------------------------------------- activity form
def _attendance_table(user, org, activity=None, data=None):
    members = list(
        members_selectors.members_for(user).filter(selectors.roster_q(org)).order_by(_role_order(), "name", "pk")
    )
    existing = list(activity.attendance.select_related("member")) if activity is not None else []
    return AttendanceTable(members, existing, data)


def _role_order():
    from django.db.models import Case, IntegerField, Value, When

    return Case(*[When(org_role=r, then=Value(i)) for i, r in enumerate(OrgRole.values)], default=Value(9),
                output_field=IntegerField())


@login_required
@refusals
def activity_create(request, pk):
    user = request.user
    org = _org_or_404(user, pk)
    if not permissions.can_file_for(user, org):
        raise PermissionDeniedError(_("您的角色无权为该组织填报组织生活。"))
    post = request.method == "POST"
    initial = {}
    if not post:
        if type_id := _int_param(request, "type"):
            initial["activity_type"] = type_id
        initial["date"] = _today()
    form = ActivityForm(request.POST if post else None, request.FILES if post else None, initial=initial)
    table = _attendance_table(user, org, data=request.POST if post else None)
    if post and form.is_valid():
        try:
            values = form.action_values()
            values.pop("remove_attachments", None)
            activity = actions.activity_file(actor=user, org=org, attendance=table.attendance(), **values)
        except ValidationError as exc:
            attach_errors(form, exc, table)
        else:
            messages.success(request, _("已填报“%(topic)s”。") % {"topic": activity.topic})
            return redirect("assessments:activity_detail", pk=activity.pk)
    return render(request, "assessments/activity_form.html", {
        "form": form, "table": table, "org": org, "title": _("填报组织生活"),
        "crumbs": _org_crumbs(org, tail=_("填报组织生活")),
        "cancel_url": reverse("assessments:org_activities", args=[org.pk]),
    })


def _activity_or_404(user, pk):
    return portal.get_visible_or_404(
        selectors.activities_for(user).select_related("org__area", "activity_type", "created_by"), pk=pk
    )


@login_required
@refusals
def activity_edit(request, pk):
    user = request.user
    activity = _activity_or_404(user, pk)
    org = activity.org
    if not permissions.can_file_for(user, org):
        raise PermissionDeniedError(_("您的角色无权修改该组织的组织生活记录。"))
    post = request.method == "POST"
    attachments = list(activity.attachments.all())
    form = ActivityForm(request.POST if post else None, request.FILES if post else None, activity=activity,
                        attachments=attachments)
    table = _attendance_table(user, org, activity, data=request.POST if post else None)
    if post and form.is_valid():
        try:
            activity = actions.activity_update(actor=user, activity=activity, attendance=table.attendance(), **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc, table)
        else:
            messages.success(request, _("已保存“%(topic)s”。") % {"topic": activity.topic})
            return redirect("assessments:activity_detail", pk=activity.pk)
    return render(request, "assessments/activity_form.html", {
        "form": form, "table": table, "org": org, "activity": activity, "title": _("修改组织生活记录"),
        "crumbs": _org_crumbs(org, tail=_("修改记录")),
        "cancel_url": reverse("assessments:activity_detail", args=[activity.pk]),
    })


# --------------------------------------------------------------------- activity detail
def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


@never_cache
@login_required
def activity_detail(request, pk):
    user = request.user
    activity = _activity_or_404(user, pk)
    rows = selectors.visible_attendance(user, activity, order=("-status", "member__name", "pk"))
    [totals] = selectors.attach_attendance_counts([activity])
    can_file = permissions.can_file_for(user, activity.org)
    now = timezone.now()
    state = schedule.signin_state(now, activity.starts_at, activity.ends_at)
    opens, closes = schedule.signin_window(activity.starts_at, activity.ends_at)
    sign_in_url = request.build_absolute_uri(reverse("assessments:sign_in", args=[activity.signin_token]))
    return render(request, "assessments/activity_detail.html", {
        "activity": activity,
        "org": activity.org,
        "rows": rows,
        "totals": totals,
        "quorum": selectors.activity_quorum(activity),
        "attachments": list(activity.attachments.all()),
        "can_file": can_file,
        "signin_state": state,
        "signin_opens": opens,
        "signin_closes": closes,
        "qr_svg": _qr_svg(sign_in_url) if can_file and state == schedule.SIGNIN_OPEN else None,
        "sign_in_url": sign_in_url if can_file and state == schedule.SIGNIN_OPEN else None,
        "crumbs": _org_crumbs(activity.org, tail=activity.topic),
        "can_propose_topic": deliberation_permissions.can_enter_from_activity(user, activity),  # 提为议事
    })


@login_required
def attachment_download(request, pk, attachment_pk):
    activity = _activity_or_404(request.user, pk)
    attachment = activity.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


# -------------------------------------------------------------------------- sign-in
@never_cache
@login_required
def sign_in(request, token):
    """The QR code's address.  GET shows the activity and a button (a scan must not write
    by itself); POST signs the logged-in member in."""
    from assessments.life.models import Activity

    activity = Activity.objects.select_related("org", "activity_type").filter(signin_token=token).first()
    if activity is None:
        raise Http404
    result = error = None
    if request.method == "POST":
        try:
            result = actions.activity_sign_in(actor=request.user, token=token)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    state = schedule.signin_state(timezone.now(), activity.starts_at, activity.ends_at)
    hours = None
    if result is not None and activity.activity_type.counts_service:
        today = _today()
        hours = ledger_selectors.member_year_hours(result.attendance.member_id, today.year)
    return render(request, "assessments/sign_in.html", {
        "activity": activity, "result": result, "error": error, "state": state,
        "opens": schedule.signin_window(activity.starts_at, activity.ends_at)[0],
        "closes": schedule.signin_window(activity.starts_at, activity.ends_at)[1],
        "year_hours": hours,
    }, status=400 if error else 200)


@login_required
def my_sign_ins(request):
    """The activities of the member's branch open for sign-in now, each a step from its sign-in."""
    page_obj = _paginate(request, selectors.open_sign_ins_for(request.user, timezone.now()))
    return render(request, "assessments/my_sign_ins.html", {"page_obj": page_obj})


# --------------------------------------------------------------------- compliance
@login_required
def org_calendar(request, pk):
    user = request.user
    org = _org_or_404(user, pk)
    calendar = selectors.org_calendar(org, _today())
    return render(request, "assessments/org_calendar.html", {
        "org": org, "calendar": calendar, "tabs": _org_tabs(org, "calendar"),
        "crumbs": _org_crumbs(org, tail=_("合规日历")), "can_file": permissions.can_file_for(user, org),
        "PeriodStatus": PeriodStatus,
    })


@page_access(permissions.can_oversee_somewhere, gettext_lazy("您的角色不能查看该区域的组织生活合规情况。"))
def compliance_index(request):
    top = _top_area(request.user)
    if top is None:
        raise Http404
    return redirect("assessments:compliance", pk=top.pk)


def _area_crumbs(user, area, tail):
    crumbs = [_life_crumb()]
    for a in areas_selectors.ancestors_for(user, area):
        crumbs.append({"label": a.name, "url": reverse("assessments:compliance", args=[a.pk]) if a.visible else None})
    crumbs.append({"label": area.name, "url": None})
    crumbs.append({"label": tail, "url": None})
    return crumbs


@login_required
@refusals
def compliance(request, pk):
    user = request.user
    area = _area_or_404(user, pk)
    if not permissions.can_oversee(user, area):
        raise PermissionDeniedError(_("您的角色不能查看该区域的组织生活合规情况。"))
    today = _today()
    result = selectors.stored_compliance(area, today)
    if result.stale:  # first view of the day, rules just published, a new organization
        actions.org_verdicts_refresh(area=area, today=today)
        result = selectors.stored_compliance(area, today)
    page = portal.CountedPaginator(result.noncompliant, PAGE_SIZE, count=result.noncompliant_count).get_page(
        request.GET.get("page"))
    return render(request, "assessments/compliance.html", {
        "area": area, "result": result, "page_obj": page,
        "crumbs": _area_crumbs(user, area, _("组织生活合规")),
        "can_publish": permissions.can_publish_rules(user, area),
    })


# -------------------------------------------------------------- inactive members
# What the member lists show: the page's rows and their count are read in one windowed query
# over a whole city's members, so it carries these columns only (not the encrypted ones).
LISTED_MEMBER_FIELDS = ("pk", "name", "status", "organization_id", "organization__name")


def _subject(request):
    """The area (``?within=``) or organization (``?org=``) a members page is about;
    the user's top area by default."""
    user = request.user
    org_id, area_id = _int_param(request, "org"), _int_param(request, "within")
    if org_id is not None:
        org = _org_or_404(user, org_id)
        if not permissions.can_oversee_org(user, org):
            raise PermissionDeniedError(_("您的角色不能查看党员名册。"))
        return org, None
    area = _area_or_404(user, area_id) if area_id is not None else _top_area(user)
    if area is None or not permissions.can_oversee(user, area):
        raise PermissionDeniedError(_("您的角色不能查看党员名册。"))
    return None, area


@page_access(permissions.can_oversee_somewhere, gettext_lazy("您的角色不能查看党员名册。"))
@refusals
def inactive(request):
    user = request.user
    org, area = _subject(request)
    today = _today()
    members = (
        (selectors.inactive_members(org or area, today) & members_selectors.members_for(user))
        .select_related("organization").only(*LISTED_MEMBER_FIELDS)
        .order_by(*trees.tree_order("organization"), "name", "pk")
    )
    page = _paginate(request, members, windowed=True)  # the anti-join runs once, for rows and count
    selectors.last_attended(page.object_list)
    # beside it, 党章第九条's other six months: dues unpaid (organizations.dues, one index count)
    dues_lapsed = dues_selectors.count_lapsed(user, org or area, today) if dues_permissions.can_read_dues(user) else None
    return render(request, "assessments/inactive.html", {
        "org": org, "area": area, "subject": org or area, "page_obj": page, "dues_lapsed": dues_lapsed,
        "cutoff": schedule.inactivity_cutoff(today), "months": schedule.INACTIVITY_MONTHS,
        "crumbs": [_life_crumb(), {"label": (org or area).name, "url": None}, {"label": _("未参加组织生活党员"), "url": None}],
    })


@login_required
@refusals
def service_hours(request):
    user = request.user
    org, area = _subject(request)
    filters = YearForm(request.GET or None)
    year = filters.filters().get("year") or _today().year
    base = members_selectors.members_for(user)
    base = base.filter(selectors.roster_q(org)) if org is not None else base.filter(anchored_q(area))
    # two lists: who served, ranked by hours (read from the yearly totals' index, page by page),
    # and who has no hours yet (an anti-join, in roster order); both counted in one query
    show = request.GET.get("show") if request.GET.get("show") in ("served", "none") else "served"
    served = ledger_selectors.served_q(year)
    counts = ledger_selectors.with_year_hours(base, year, "service_hours").aggregate(
        total=Count("pk"), served=Count("pk", filter=Q(service_hours__gt=0)))
    counts["none"] = counts["total"] - counts["served"]
    if show == "served":
        members = ledger_selectors.served_in(base, year, "service_hours").order_by("-service_hours", "name", "pk")
    else:
        members = base.filter(~served).order_by(*trees.tree_order("organization"), "name", "pk")
    members = members.select_related("organization").only(*LISTED_MEMBER_FIELDS)
    page = portal.CountedPaginator(members, PAGE_SIZE, count=counts[show]).get_page(request.GET.get("page"))
    return render(request, "assessments/service_hours.html", {
        "org": org, "area": area, "subject": org or area, "year": year, "filters": filters, "page_obj": page, "show": show,
        "counts": counts,
        "crumbs": [_life_crumb(), {"label": (org or area).name, "url": None}, {"label": _("志愿服务时长"), "url": None}],
    })


# ------------------------------------------------------------------------ rule sets
@page_access(has_scope, gettext_lazy("您还没有被授权，请联系管理员。"))
def rules(request):
    """The rules in force for an area (``?area=``, default the user's top area), and the
    versions the user can see."""
    user = request.user
    area_id = _int_param(request, "area")
    area = _area_or_404(user, area_id) if area_id is not None else _top_area(user)
    today = _today()
    rule_set, lines = selectors.effective_rules(area, today) if area is not None else (None, [])
    kinds, categories = dict(OrgKind.choices), dict(OrgCategory.choices)
    lines = [
        {"rule": r, "kinds": [str(kinds.get(k, k)) for k in r.org_kinds], "categories": [str(categories.get(c, c)) for c in r.org_categories]}
        for r in lines
    ]
    versions = list(selectors.rule_sets_for(user).select_related("area", "created_by").order_by(*trees.tree_order("area"), "-version"))
    return render(request, "assessments/rules.html", {
        "area": area, "rule_set": rule_set, "lines": lines, "versions": versions, "today": today,
        "can_publish": permissions.can_publish_rules(user, area),
        "crumbs": [_life_crumb(), {"label": _("组织生活规则"), "url": None}],
    })


@login_required
@refusals
def rule_publish(request):
    user = request.user
    area_id = _int_param(request, "area")
    area = _area_or_404(user, area_id) if area_id is not None else _top_area(user)
    if area is None or not permissions.can_publish_rules(user, area):
        raise PermissionDeniedError(_("只有区委组织部或系统管理员可以发布组织生活规则。"))
    today = _today()
    current, lines = selectors.effective_rules(area, today)
    types = list(ActivityType.objects.all())
    post = request.method == "POST"
    initial = {"effective_from": today, "name": _("%(area)s组织生活规则") % {"area": area.name}}
    form = RulePublishForm(request.POST if post else None, types=types, rules=lines, initial=initial)
    if post and form.is_valid():
        try:
            rule_set = actions.rule_set_publish(
                actor=user, area=area, name=form.cleaned_data["name"], effective_from=form.cleaned_data["effective_from"],
                notes=form.cleaned_data["notes"], rules=form.rules(),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已发布“%(name)s”第 %(v)d 版。") % {"name": rule_set.name, "v": rule_set.version})
            return redirect(f"{reverse('assessments:rules')}?area={area.pk}")
    return render(request, "assessments/rule_publish.html", {
        "form": form, "area": area, "current": current,
        "crumbs": [_life_crumb(), {"label": _("组织生活规则"), "url": f"{reverse('assessments:rules')}?area={area.pk}"},
                   {"label": _("发布新版本"), "url": None}],
    })

