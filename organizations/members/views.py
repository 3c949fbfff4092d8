from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangjian import errors, portal, trees
from dangjian.access import page_access, signed_in
from dangjian.forms import attach_errors
from dangjian.portal import PAGE_SIZE, _visible_ids, client_ip, refusals
from dangjian.portal import int_param as _int_param
from organizations.areas import selectors as areas_selectors
from organizations.areas.choices import AreaLevel
from organizations.grants import permissions as grants_permissions
from organizations.imports import permissions as imports_permissions
from organizations.members import actions as members_actions
from organizations.members import permissions, places, selectors
from organizations.members.choices import AccessChannel, ContactState
from organizations.members.forms import (
    CentralHouseholdForm,
    MemberFilterForm,
    MemberForm,
    MemberLookupForm,
    looks_like_personal_number,
    lookup_field_of,
)
from organizations.members.models import current_q
from organizations.orgs import permissions as orgs_permissions
from organizations.orgs import selectors as orgs_selectors
from organizations.temporary import selectors as temporary_selectors

# ----------------------------------------------------------------------------- members
# the member states counted beside the roster's total (组织关系转接)
STATE_FIGURES = (ContactState.LOST, ContactState.MOBILE, ContactState.TRANSFERRED_OUT)


@page_access(permissions.can_open_roster, gettext_lazy("您的角色不能查看党员名册。"))
@refusals
def member_list(request):
    user = request.user
    roster = permissions.can_view_roster(user)
    members = selectors.members_for(user)
    if looks_like_personal_number(request.GET.get("q", "")):
        # A number typed into the GET search box: not searched, not shown back, and the
        # browser leaves the URL that holds it (the log line of this request is masked).
        messages.warning(request, _("不能在搜索框中输入手机号或身份证号（网址会被记录）；请使用“按手机号或身份证号查找”。"))
        rest = QueryDict(mutable=True)
        rest.update({k: v for k, v in request.GET.items() if k not in ("q", "page")})
        return redirect(reverse("organizations:member_list") + (f"?{rest.urlencode()}" if rest else ""))
    filters = MemberFilterForm(request.GET or None)
    values = filters.filters()
    wanted = Q()  # the filters, as one Q: the rows and the count (selectors.roster_count) apply the same
    if q := values.get("q"):
        wanted &= Q(name__icontains=q)
    for name in ("status", "gender", "ethnicity", "education", "occupation", "org_role"):
        if values.get(name):
            wanted &= Q(**{name: values[name]})
    if values.get("in_service") in ("yes", "no"):
        wanted &= Q(in_service=values["in_service"] == "yes")
    org_filter = area_filter = None
    if values.get("organization"):
        wanted &= Q(organization_id=values["organization"])
        org_filter = orgs_selectors.orgs_for(user).filter(pk=values["organization"]).first()
    if values.get("within"):
        area_filter = areas_selectors.areas_for(user).filter(pk=values["within"]).first()
        if area_filter is None:
            wanted &= Q(pk__in=[])
        else:
            wanted &= places.residing_q(area_filter)
    # 党员状况 (organizations.transfers): the list and its figures by state; by default the
    # current members, every state's count beside it, all in the count's one query
    figures = {"all": wanted, **{state: wanted & Q(contact_state=state) for state in STATE_FIGURES}}
    if values.get("contact_state"):
        wanted &= Q(contact_state=values["contact_state"])
    else:
        wanted &= current_q()
    qs = members.filter(wanted).select_related("organization", "residence").order_by(
        *trees.tree_order("organization"), "id"
    )
    # The page's rows come from the scoped queryset in roster order; its count from
    # roster_count, which PostgreSQL answers from indexed foreign keys instead of the OR of joins.
    counts = selectors.roster_counts(user, figures)
    state = values.get("contact_state")
    if not state:
        total = counts["all"] - counts[ContactState.TRANSFERRED_OUT]
    elif state in counts:
        total = counts[state]
    else:  # 正常: every member but the lost, the mobile and the transferred out
        total = counts["all"] - sum(counts[s] for s in STATE_FIGURES)
    paginator = portal.CountedPaginator(qs, PAGE_SIZE, count=total)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/member_list.html",
        {
            "page_obj": page,
            "filters": filters,
            "org_filter": org_filter,
            "area_filter": area_filter,
            "org_filter_id": values.get("organization"),
            "area_filter_id": values.get("within"),
            "roster": roster,
            "state_figures": [(s, ContactState(s).label, counts[s]) for s in STATE_FIGURES] if roster else [],
            "state_filter": state or "",
            "can_look_up": permissions.can_look_up_personal_data(user),
            "lookup_form": MemberLookupForm(),
            "can_create": grants_permissions.can_manage_anything(user),
            "can_import": imports_permissions.can_import(user),
        },
    )


def _member_for_view(user, pk):
    return portal.get_visible_or_404(
        selectors.members_for(user).select_related(
            "organization__area", "residence", "employer_org", "user", "central_household__building"
        ),
        pk=pk,
    )


def _central_household(member):
    try:
        return member.central_household
    except ObjectDoesNotExist:
        return None


def _member_crumbs(member, *, link_self=False):
    crumbs = [
        {"label": _("党员"), "url": reverse("organizations:member_list")},
        {"label": member.name, "url": reverse("organizations:member_detail", args=[member.pk]) if link_self else None},
    ]
    return crumbs


@page_access(signed_in)
def member_detail(request, pk):
    user = request.user
    member = _member_for_view(user, pk)
    return render(
        request,
        "organizations/member_detail.html",
        {
            "member": member,
            "crumbs": _member_crumbs(member),
            "household": _central_household(member),
            "can_reveal": permissions.can_reveal(user, member),
            "can_edit": permissions.can_manage_member(user, member),
            "can_edit_household": permissions.can_manage_member_household(user, member),
            "org_visible": bool(_visible_ids(orgs_selectors.orgs_for(user), [member.organization_id])),
            "secondment": temporary_selectors.open_secondment_of(member),  # 临时党支部 (organizations.temporary)
            "residence_visible": bool(
                member.residence_id and _visible_ids(areas_selectors.areas_for(user), [member.residence_id])
            ),
        },
    )


@never_cache
@login_required
@require_POST
def member_reveal(request, pk):
    user = request.user
    member = portal.get_visible_or_404(
        selectors.members_for(user).select_related("organization__area", "residence"), pk=pk
    )
    try:
        data = members_actions.member_reveal_personal_data(
            actor=user, member=member, channel=AccessChannel.WEB, ip=client_ip(request)
        )
    except errors.PermissionDeniedError as exc:
        return render(request, "organizations/_reveal_refused.html", {"message": str(exc)}, status=403)
    return render(request, "organizations/_reveal.html", {"member": member, "data": data})


@never_cache
@login_required
@require_POST
def member_lookup(request):
    """Find members by a full phone or ID number (posted): the same action, limit and access
    log as ``POST /api/members/lookup/``; the rows are shown masked and the number never is."""
    user = request.user
    number = request.POST.get("number", "")
    field = lookup_field_of(number)
    context = {"form": MemberLookupForm(), "members": None, "crumbs": [
        {"label": _("党员"), "url": reverse("organizations:member_list")}, {"label": _("按号码查找"), "url": None},
    ]}
    try:
        found = members_actions.member_lookup(
            actor=user, field=field, value=number, channel=AccessChannel.WEB, ip=client_ip(request)
        )
    except members_actions.LookupThrottled as exc:
        response = render(request, "organizations/member_lookup.html", {**context, "error": str(exc)}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except errors.PermissionDeniedError as exc:
        return portal.refused(request, exc)
    except ValidationError as exc:
        form = MemberLookupForm(request.POST)  # its widget never renders the typed number back
        form.is_valid()
        for message in exc.messages:
            form.add_error("number", message)
        return render(request, "organizations/member_lookup.html", {**context, "form": form}, status=400)
    return render(request, "organizations/member_lookup.html", {**context, "members": found, "field": field})


@login_required
@refusals
def member_create(request):
    user = request.user
    initial = {}
    org_id = _int_param(request, "organization")
    organization = None
    if org_id is not None:
        organization = portal.get_visible_or_404(orgs_selectors.orgs_for(user).select_related("area"), pk=org_id)
        if not orgs_permissions.can_manage_org(user, organization):
            raise errors.PermissionDeniedError(_("您的角色无权在该组织新增党员。"))
        initial["organization"] = organization.pk
    elif not grants_permissions.can_manage_anything(user):
        raise errors.PermissionDeniedError(_("您的角色无权新增党员。"))
    form = MemberForm(request.POST if request.method == "POST" else None, user=user, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            member = members_actions.member_create(actor=user, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已新增党员“%(name)s”。") % {"name": member.name})
            return redirect("organizations:member_detail", pk=member.pk)
    crumbs = [{"label": _("党员"), "url": reverse("organizations:member_list")}, {"label": _("新增党员"), "url": None}]
    return render(request, "organizations/member_form.html", {"form": form, "crumbs": crumbs, "title": _("新增党员")})


@login_required
@refusals
def member_edit(request, pk):
    user = request.user
    member = _member_for_view(user, pk)
    if not permissions.can_manage_member(user, member):
        raise errors.PermissionDeniedError(_("您的角色无权修改该党员的信息。"))
    form = MemberForm(request.POST if request.method == "POST" else None, user=user, instance=member)
    if form.is_bound and form.is_valid():
        try:
            member = members_actions.member_update(actor=user, member=member, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存党员“%(name)s”的信息。") % {"name": member.name})
            return redirect("organizations:member_detail", pk=member.pk)
    crumbs = _member_crumbs(member, link_self=True) + [{"label": _("编辑"), "url": None}]
    return render(
        request, "organizations/member_form.html", {"form": form, "member": member, "crumbs": crumbs, "title": _("编辑党员")}
    )


@login_required
@refusals
def central_household_edit(request, pk):
    user = request.user
    member = _member_for_view(user, pk)
    if not permissions.can_manage_member_household(user, member):
        raise errors.PermissionDeniedError(_("您的角色无权设置党员中心户。"))
    household = _central_household(member)
    initial = {}
    if household is None and member.residence_id and member.residence.level == AreaLevel.BUILDING:
        initial["building"] = member.residence_id
    form = CentralHouseholdForm(
        request.POST if request.method == "POST" else None, user=user, instance=household, initial=initial
    )
    if form.is_bound and form.is_valid():
        try:
            members_actions.central_household_save(actor=user, member=member, **form.values(CentralHouseholdForm.FIELDS))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存“%(name)s”的党员中心户信息。") % {"name": member.name})
            return redirect("organizations:member_detail", pk=member.pk)
    crumbs = _member_crumbs(member, link_self=True) + [{"label": _("党员中心户"), "url": None}]
    return render(
        request,
        "organizations/central_household_form.html",
        {"form": form, "member": member, "household": household, "crumbs": crumbs, "title": _("党员中心户")},
    )
