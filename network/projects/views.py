"""Pages of 项目化服务 under /network/projects/: the project list (filters, search, paging)
and detail (the book, the linked records with link/unlink, the outcome, budget vs spent vs
balance), the create/edit form, the workflow buttons, the brands, and the pickers.  Reads
through ``selectors``, writes through ``actions``; out of scope answers 404 as missing."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian import pickers, portal, trees
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError, TransitionError, message_of
from dangjian.forms import attach_errors
from dangjian.portal import refusals
from dangjian.workflow import available_transitions
from network.projects import actions, forms, permissions, selectors
from network.projects.choices import LinkKind, ProjectAction, ProjectStatus

REFUSED = gettext_lazy("您的角色无权查看服务项目。")


def _crumbs(*tail):
    return [{"label": _("服务项目"), "url": reverse("projects:list")}, *[{"label": label, "url": url} for label, url in tail]]


def _project_or_404(user, pk):
    qs = selectors.with_outcome(selectors.projects_for(user)).select_related("area__parent", "owner_org__area", "brand")
    return portal.get_visible_or_404(qs, pk=pk)


# ------------------------------------------------------------------------------ list
@page_access(permissions.can_read_projects, REFUSED)
def project_list(request):
    user = request.user
    filters = forms.ProjectFilterForm(request.GET or None, user=user)
    values = filters.filters()
    qs = selectors.projects_for(user)
    if values.get("within") is not None:
        qs = qs.filter(trees.subtree_q(values["within"], "area"))
    if values.get("brand") is not None:
        qs = qs.filter(brand=values["brand"])
    if q := (values.get("q") or "").strip():
        qs = qs.filter(title__icontains=q)
    if values.get("status"):
        qs = qs.filter(status=values["status"])
    qs = selectors.with_outcome(qs.select_related("area", "owner_org", "brand")).order_by("-starts_on", "-pk")
    page = portal.paginate(request, qs)
    page.object_list = selectors.attach_outcomes(page.object_list)
    return render(request, "network/projects/list.html", {
        "page_obj": page, "filters": filters, "can_create": permissions.can_create_projects(user),
        "crumbs": _crumbs((_("项目列表"), None)),
    })


# ---------------------------------------------------------------------------- detail
@page_access(permissions.can_read_projects, REFUSED)
def project_detail(request, pk):
    user = request.user
    project = _project_or_404(user, pk)
    return _detail(request, project)


def _detail(request, project, *, link_forms=None, status=200):
    from network.funds import selectors as fund_selectors

    user = request.user
    can_manage = permissions.can_manage_project(user, project)
    linkable = can_manage and project.status in (ProjectStatus.DRAFT, ProjectStatus.RUNNING)
    link_forms = link_forms or {}
    if linkable:
        for kind in LinkKind:
            link_forms.setdefault(kind.value, forms.LinkForm(user=user, project=project, kind=kind, prefix=kind.value))
    verbs = available_transitions(project, user)
    spendings = list(fund_selectors.project_spendings(user, project).order_by("-spent_on", "-pk")[:20])
    return render(request, "network/projects/detail.html", {
        "project": project, "outcome": selectors.outcome_of(project), "linked": selectors.linked_rows(project),
        "units": list(project.units.select_related("community").order_by("name")),
        "can_manage": can_manage, "linkable": linkable, "link_forms": link_forms,
        "steps": [(v.value, v.label) for v in ProjectAction if v in verbs],
        "spendings": spendings, "can_spend": _may_spend(user),
        "crumbs": _crumbs((project.title, None)),
    }, status=status)


def _may_spend(user):
    from network.funds import permissions as fund_permissions

    return fund_permissions.can_record_spending(user)


# ------------------------------------------------------------------------------ form
def _form_page(request, project=None):
    user = request.user
    initial = {}
    if project is not None:
        initial = {name: getattr(project, name) for name in actions.PROJECT_FIELDS}
        initial["units"] = list(project.units.all())
    form = forms.ProjectForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.project_save(actor=user, project=project, units=data.get("units") or (),
                                         **{name: data.get(name) for name in actions.PROJECT_FIELDS})
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("服务项目“%(title)s”已保存。") % {"title": saved.title})
            return redirect("projects:detail", saved.pk)
    title = _("修改服务项目") if project is not None else _("新建服务项目")
    return render(request, "network/projects/form.html", {
        "form": form, "title": title, "project": project,
        "crumbs": _crumbs(*(((project.title, reverse("projects:detail", args=[project.pk])),) if project else ()),
                          (title, None)),
    }, status=400 if form.errors else 200)


@page_access(permissions.can_create_projects, gettext_lazy("您的角色无权新建服务项目。"))
@refusals
def project_new(request):
    return _form_page(request)


@page_access(permissions.can_read_projects, REFUSED)
@refusals
def project_edit(request, pk):
    project = _project_or_404(request.user, pk)
    if not permissions.can_manage_project(request.user, project):
        raise PermissionDeniedError(_("您的角色无权修改该服务项目。"))
    return _form_page(request, project)


@require_POST
@page_access(permissions.can_read_projects, REFUSED)
@refusals
def project_step(request, pk, verb):
    project = _project_or_404(request.user, pk)
    if verb not in ProjectAction.values:
        raise Http404
    try:
        actions.project_transition(actor=request.user, project=project, verb=verb)
    except TransitionError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, _("已%(verb)s。") % {"verb": ProjectAction(verb).label})
    return redirect("projects:detail", project.pk)


@require_POST
@page_access(permissions.can_read_projects, REFUSED)
@refusals
def project_link(request, pk, kind):
    user = request.user
    project = _project_or_404(user, pk)
    if kind not in LinkKind.values:
        raise Http404
    if not permissions.can_manage_project(user, project):
        raise PermissionDeniedError(_("您的角色无权管理该服务项目。"))
    form = forms.LinkForm(request.POST, user=user, project=project, kind=LinkKind(kind), prefix=kind)
    if form.is_valid():
        try:
            actions.project_link(actor=user, project=project, kind=kind, record_id=form.cleaned_data["record"].pk)
        except ValidationError as exc:
            form.add_error("record", message_of(exc))
        else:
            messages.success(request, _("已关联%(kind)s。") % {"kind": LinkKind(kind).label})
            return redirect(f"{reverse('projects:detail', args=[project.pk])}#linked-{kind}")
    return _detail(request, project, link_forms={kind: form}, status=400)


@require_POST
@page_access(permissions.can_read_projects, REFUSED)
@refusals
def project_unlink(request, pk, kind, record_id):
    user = request.user
    project = _project_or_404(user, pk)
    if kind not in LinkKind.values:
        raise Http404
    try:
        actions.project_unlink(actor=user, project=project, kind=kind, record_id=record_id)
    except ValidationError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, _("已取消关联。"))
    return redirect(f"{reverse('projects:detail', args=[project.pk])}#linked-{kind}")


# ---------------------------------------------------------------------------- brands
@page_access(permissions.can_read_projects, REFUSED)
def brand_list(request):
    user = request.user
    filters = forms.BrandFilterForm(request.GET or None)
    qs = selectors.brands_for(user).select_related("area")
    if q := (filters.filters().get("q") or "").strip():
        qs = qs.filter(name__icontains=q)
    page = portal.paginate(request, qs.order_by("name", "pk"))
    sums = selectors.brand_outcomes(user, list(page.object_list))
    for brand in page.object_list:
        brand.sums = sums[brand.pk]
    return render(request, "network/projects/brands.html", {
        "page_obj": page, "filters": filters, "can_create": permissions.can_create_projects(user),
        "crumbs": _crumbs((_("服务品牌"), None)),
    })


@page_access(permissions.can_read_projects, REFUSED)
def brand_detail(request, pk):
    user = request.user
    brand = portal.get_visible_or_404(selectors.brands_for(user).select_related("area"), pk=pk)
    projects = selectors.with_outcome(selectors.projects_for(user).filter(brand=brand).select_related("area", "owner_org"))
    page = portal.paginate(request, projects.order_by("-starts_on", "-pk"))
    page.object_list = selectors.attach_outcomes(page.object_list)
    return render(request, "network/projects/brand.html", {
        "brand": brand, "page_obj": page, "sums": selectors.brand_outcomes(user, [brand])[brand.pk],
        "can_manage": permissions.can_manage_brand(user, brand),
        "crumbs": _crumbs((_("服务品牌"), reverse("projects:brands")), (brand.name, None)),
    })


def _brand_form(request, brand=None):
    user = request.user
    initial = {"name": brand.name, "description": brand.description, "area": brand.area} if brand else {}
    form = forms.BrandForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.brand_save(actor=user, brand=brand, **form.values(["name", "description", "area"]))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("服务品牌“%(name)s”已保存。") % {"name": saved.name})
            return redirect("projects:brand_detail", saved.pk)
    title = _("修改服务品牌") if brand else _("新建服务品牌")
    return render(request, "network/projects/form.html", {
        "form": form, "title": title, "crumbs": _crumbs((_("服务品牌"), reverse("projects:brands")), (title, None)),
    }, status=400 if form.errors else 200)


@page_access(permissions.can_create_projects, gettext_lazy("您的角色无权新建服务品牌。"))
@refusals
def brand_new(request):
    return _brand_form(request)


@page_access(permissions.can_read_projects, REFUSED)
@refusals
def brand_edit(request, pk):
    brand = portal.get_visible_or_404(selectors.brands_for(request.user).select_related("area"), pk=pk)
    if not permissions.can_manage_brand(request.user, brand):
        raise PermissionDeniedError(_("您的角色无权修改该服务品牌。"))
    return _brand_form(request, brand)


# --------------------------------------------------------------------------- pickers
def _linkable(kind):
    def get_queryset(request, pk):
        user = request.user
        if not permissions.can_read_projects(user):
            raise Http404
        project = portal.get_visible_or_404(selectors.projects_for(user).select_related("area"), pk=pk)
        return forms.LINK_PICKERS[kind][0](user, project)
    return get_queryset


pick_activities = refusals(pickers.picker_view(_linkable(LinkKind.ACTIVITY), fields=("topic", "org__name"),
                                               label=forms.activity_label))
pick_wishes = refusals(pickers.picker_view(_linkable(LinkKind.WISH), fields=("code",), label=forms.wish_label))
pick_requests = refusals(pickers.picker_view(_linkable(LinkKind.REQUEST), fields=("code",), label=forms.request_label))
pick_units = pickers.picker_view(lambda r: forms.pickable_units(r.user), label=forms.unit_label)
pick_brands = pickers.picker_view(lambda r: forms.pickable_brands(r.user),
                                  label=lambda b: f"{b.name}（{b.area.name}）")
