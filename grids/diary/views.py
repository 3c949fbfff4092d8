import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian import trees
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import int_param as _int_param
from dangjian.portal import paginate as _paginate
from dangjian.portal import refusals
from dangjian.workflow import available_transitions
from grids.diary import actions, permissions
from grids.diary import selectors as diary_selectors
from grids.diary.choices import DiaryAction
from grids.diary.forms import DiaryConvertForm, DiaryFilterForm, DiaryForm, DiaryResolveForm
from grids.grids import permissions as grids_permissions
from grids.grids import selectors
from grids.grids.views import READ_REFUSED, _grid_for_view
from organizations.areas import selectors as areas_selectors
from services.deliberation import permissions as deliberation_permissions


# ----------------------------------------------------------------------------- diary
@page_access(grids_permissions.can_read_grids, READ_REFUSED)
@refusals
def diary_list(request):
    user = request.user
    filters = DiaryFilterForm(request.GET or None)
    values = filters.filters()
    qs = (
        diary_selectors.diary_for(user)
        .select_related("grid__community", "building", "author")
        .order_by("-occurred_on", "-id")
    )
    if q := values.get("q_grid"):
        qs = qs.filter(Q(grid__name__icontains=q) | Q(grid__code__icontains=q))
    for name in ("kind", "category", "status"):
        if values.get(name):
            qs = qs.filter(**{name: values[name]})
    if values.get("date_from"):
        qs = qs.filter(occurred_on__gte=values["date_from"])
    if values.get("date_to"):
        qs = qs.filter(occurred_on__lte=values["date_to"])
    grid_filter = community_filter = None
    if values.get("grid"):
        qs = qs.filter(grid_id=values["grid"])
        grid_filter = selectors.grids_for(user).filter(pk=values["grid"]).first()
    if values.get("community"):
        qs = qs.filter(grid__community_id=values["community"])
        community_filter = areas_selectors.areas_for(user).filter(pk=values["community"]).first()
    return render(request, "grids/diary_list.html", {
        "page_obj": _paginate(request, qs),
        "filters": filters,
        "grid_filter": grid_filter,
        "grid_filter_id": values.get("grid"),
        "community_filter": community_filter,
        "community_filter_id": values.get("community"),
        "can_write": permissions.can_write_some_diary(user),
    })


@login_required
@refusals
def diary_create(request):
    user = request.user
    grid_id = _int_param(request, "grid")
    if grid_id is None:
        if not permissions.can_write_some_diary(user):
            raise PermissionDeniedError(_("只有网格员和社区工作人员可以填写民情日记。"))
        mine = selectors.grids_for(user, permissions.DIARY_ROLES).select_related("community").order_by(
            *trees.tree_order("community"), "code"
        )
        page_obj = _paginate(request, mine)
        if page_obj.paginator.count == 1:
            return redirect(f"{reverse('grids:diary_create')}?grid={page_obj[0].pk}")
        crumbs = [{"label": _("民情日记"), "url": reverse("grids:diary_list")}, {"label": _("写民情日记"), "url": None}]
        return render(request, "grids/diary_pick_grid.html", {"page_obj": page_obj, "crumbs": crumbs})
    grid = _grid_for_view(user, grid_id)
    places = selectors.grid_places(grid)
    if not permissions.can_write_diary(user, grid, places):
        raise PermissionDeniedError(_("只有网格员和社区工作人员可以填写民情日记。"))
    form = DiaryForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=user, grid=grid,
    )
    if form.is_bound and form.is_valid():
        try:
            entry = actions.diary_record(actor=user, grid=grid, **{
                k: v for k, v in form.values(DiaryForm.FIELDS).items() if k != "photo"
            }, photo=form.cleaned_data.get("photo") or None)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已记录民情日记。"))
            return redirect("grids:diary_detail", pk=entry.pk)
    crumbs = [
        {"label": _("民情日记"), "url": reverse("grids:diary_list")},
        {"label": grid.name, "url": reverse("grids:grid_detail", args=[grid.pk])},
        {"label": _("写民情日记"), "url": None},
    ]
    return render(request, "grids/diary_form.html", {"form": form, "grid": grid, "crumbs": crumbs})


def _entry_for_view(user, pk):
    return selectors.readable_or_refuse(
        diary_selectors.diary_with_access(user).select_related("grid__community", "building__parent", "author"),
        pk, READ_REFUSED,
    )


def _diary_detail(request, entry, *, resolve_form=None, convert_form=None, status=200):
    user = request.user
    steps = available_transitions(entry, user)  # resolve or convert, both from 待处理
    crumbs = [
        {"label": _("民情日记"), "url": reverse("grids:diary_list")},
        {"label": entry.grid.name, "url": reverse("grids:grid_detail", args=[entry.grid_id])},
        {"label": str(entry), "url": None},
    ]
    return render(request, "grids/diary_detail.html", {
        "entry": entry,
        "crumbs": crumbs,
        "can_act": bool(steps),
        # hand the open problem on: buttons to the pre-filled request and whistle forms
        "can_request": DiaryAction.CONVERT in steps,
        "can_whistle": DiaryAction.CONVERT in steps and permissions.can_whistle_from(user, entry),
        "resolve_form": resolve_form or DiaryResolveForm(prefix="resolve"),
        "convert_form": convert_form or DiaryConvertForm(prefix="convert"),
        "can_propose_topic": deliberation_permissions.can_enter_from_diary(user, entry),  # 提为议事
    }, status=status)


@login_required
@refusals
def diary_detail(request, pk):
    return _diary_detail(request, _entry_for_view(request.user, pk))


@login_required
@refusals
@require_POST
def diary_resolve(request, pk):
    user = request.user
    entry = _entry_for_view(user, pk)
    form = DiaryResolveForm(request.POST, prefix="resolve")
    if form.is_valid():
        try:
            actions.diary_resolve(actor=user, entry=entry, resolution=form.cleaned_data["resolution"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已标记为已解决。"))
            return redirect("grids:diary_detail", pk=entry.pk)
    return _diary_detail(request, entry, resolve_form=form, status=400)


@login_required
@refusals
@require_POST
def diary_convert(request, pk):
    user = request.user
    entry = _entry_for_view(user, pk)
    form = DiaryConvertForm(request.POST, prefix="convert")
    if form.is_valid():
        try:
            actions.diary_convert(
                actor=user, entry=entry, target=form.cleaned_data["target"], target_id=form.cleaned_data["target_id"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记转办。"))
            return redirect("grids:diary_detail", pk=entry.pk)
    return _diary_detail(request, entry, convert_form=form, status=400)


@login_required
@refusals
def diary_photo(request, pk):
    """The photo of a diary entry, to those who may read the entry (never a public URL)."""
    entry = _entry_for_view(request.user, pk)
    if not entry.photo:
        raise Http404
    content_type = mimetypes.guess_type(entry.photo.name)[0] or "application/octet-stream"
    response = FileResponse(entry.photo.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
