"""Pages of 临时党支部, mounted at /org/temporary/ in the ``organizations`` namespace."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian import pickers
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import paginate, refusals
from organizations.orgs.forms import org_label
from organizations.temporary import actions, permissions, selectors
from organizations.temporary.forms import (
    DissolveForm,
    EndSecondmentForm,
    SecondForm,
    TemporaryBranchForm,
    TemporaryFilterForm,
    establishing_orgs,
)

REFUSED = gettext_lazy("您的角色无权查看临时党支部。")


def _crumbs(*more):
    return [{"label": _("临时党支部"), "url": reverse("organizations:temporary_list")}, *more]


def _branch_or_404(user, pk):
    branch = selectors.branch_detail(user, pk)
    if branch is None:
        raise Http404
    return branch


@page_access(permissions.can_view_temporary, REFUSED)
def temporary_list(request):
    user = request.user
    today = timezone.localdate()
    filters = TemporaryFilterForm(request.GET or None, user=user)
    values = filters.filters()
    rows = selectors.filter_branches(selectors.branch_list(user), status=values.get("status", ""),
                                     org=values.get("org"), area=values.get("area"), q=values.get("q", ""),
                                     today=today)
    page = paginate(request, rows)
    for b in page:
        b.due = b.is_due(today)
    return render(request, "organizations/temporary/list.html", {
        "page_obj": page, "filters": filters, "can_create": permissions.can_create_temporary(user),
    })


@page_access(permissions.can_view_temporary, REFUSED)
def temporary_detail(request, pk):
    user = request.user
    branch = _branch_or_404(user, pk)
    secondments = selectors.branch_secondments(branch)
    return render(request, "organizations/temporary/detail.html", {
        "branch": branch, "secondments": secondments, "due": branch.is_due(timezone.localdate()),
        "open_count": sum(1 for s in secondments if s.ended_on is None),
        "can_manage": permissions.can_manage_branch(user, branch),
        "crumbs": _crumbs({"label": branch.org.name, "url": None}),
    })


@page_access(permissions.can_create_temporary, REFUSED)
@refusals
def temporary_create(request):
    user = request.user
    form = TemporaryBranchForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            branch = actions.temporary_branch_create(
                actor=user, parent=data["parent"], name=data["name"], purpose=data["purpose"],
                project_name=data["project_name"], started_on=data["started_on"], expected_end=data["expected_end"],
                members=list(data["members"]))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已成立临时党支部“%(name)s”。") % {"name": branch.org.name})
            return redirect("organizations:temporary_detail", pk=branch.pk)
    title = _("成立临时党支部")
    return render(request, "organizations/temporary/form.html", {
        "form": form, "title": title, "crumbs": _crumbs({"label": title, "url": None}),
    })


def _branch_action(request, pk, *, form_class, title, handle, form_kwargs=None):
    user = request.user
    branch = _branch_or_404(user, pk)
    if not permissions.can_manage_branch(user, branch):
        raise PermissionDeniedError(_("您的角色无权管理该临时党支部。"))
    form = form_class(request.POST if request.method == "POST" else None, **(form_kwargs or {}))
    if form.is_bound and form.is_valid():
        try:
            message = handle(user, branch, form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("organizations:temporary_detail", pk=branch.pk)
    return render(request, "organizations/temporary/action_form.html", {
        "form": form, "title": title, "branch": branch,
        "crumbs": _crumbs({"label": branch.org.name, "url": reverse("organizations:temporary_detail", args=[branch.pk])},
                          {"label": title, "url": None}),
    })


@page_access(permissions.can_view_temporary, REFUSED)
@refusals
def temporary_second(request, pk):
    def handle(user, branch, data):
        made = actions.second_members(actor=user, branch=branch, members=list(data["members"]),
                                      started_on=data["started_on"])
        return _("已借调 %(n)s 名党员。") % {"n": len(made)}

    branch = _branch_or_404(request.user, pk)
    return _branch_action(request, pk, form_class=SecondForm, title=_("借调党员"), handle=handle,
                          form_kwargs={"user": request.user, "branch": branch})


@page_access(permissions.can_view_temporary, REFUSED)
@refusals
def temporary_dissolve(request, pk):
    def handle(user, branch, data):
        actions.temporary_branch_dissolve(actor=user, branch=branch, dissolved_on=data["dissolved_on"], note=data["note"])
        return _("已撤销临时党支部“%(name)s”，借调党员的借调一并结束。") % {"name": branch.org.name}

    return _branch_action(request, pk, form_class=DissolveForm, title=_("撤销临时党支部"), handle=handle)


@page_access(permissions.can_view_temporary, REFUSED)
@refusals
def secondment_end(request, pk):
    user = request.user
    secondment = selectors.secondment_for(user, pk)
    if secondment is None:
        raise Http404
    branch = secondment.temporary_branch
    if not permissions.can_manage_branch(user, branch):
        raise PermissionDeniedError(_("您的角色无权管理该临时党支部。"))
    form = EndSecondmentForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            actions.end_secondment(actor=user, secondment=secondment, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已结束%(name)s的借调。") % {"name": secondment.member.name})
            return redirect("organizations:temporary_detail", pk=branch.pk)
    title = _("结束借调")
    return render(request, "organizations/temporary/action_form.html", {
        "form": form, "title": f"{title}：{secondment.member.name}", "branch": branch,
        "crumbs": _crumbs({"label": branch.org.name, "url": reverse("organizations:temporary_detail", args=[branch.pk])},
                          {"label": title, "url": None}),
    })


@page_access(permissions.can_view_temporary, REFUSED)
def pick_members(request):
    return pickers.picker_view(lambda r: selectors.pickable_members(r.user), label=selectors.member_label)(request)


@page_access(permissions.can_view_temporary, REFUSED)
def pick_parents(request):
    return pickers.picker_view(lambda r: establishing_orgs(r.user).select_related("area"),
                               fields=("name", "code", "area__name"), label=org_label)(request)
