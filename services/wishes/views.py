"""Pages of the micro-wishes (微心愿).

Public (no account, mobile first, under ``/w/``): the wish form, the confirmation with the
tracking code, the status page by code (progress only — never the requester's or the
claimant's name or phone), and the rating form once the wish is fulfilled.  Anonymous
writes are rate limited per client IP and per phone (``dangjian.ratelimit``; over the
limit → 429 with a Chinese page).

Staff (signed in, under ``/services/wishes/``): the review list of a community (scoped,
filters, pagination), a wish's page with the actions the user may take, the wish wall of a
community or an area, and "my claims".  Reads go through ``services.wishes.selectors``, writes
through ``services.wishes.actions``; a refused status change (``TransitionError``) or bad input is
a flash message, a role that may not act a 403 page, an object out of scope a 404.  Every
page runs a constant number of queries whatever the number of rows.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangjian import pickers, portal, trees
from dangjian.access import anyone, declare_access, page_access
from dangjian.errors import PermissionDeniedError, message_of
from dangjian.portal import int_param, paginate, refusals
from dangjian.workflow import available_transitions
from organizations.areas import selectors as areas_selectors
from services.resident import permissions as resident_permissions
from services.resident.forms import ReasonForm, TrackForm
from services.resident.views import (
    buildings_page,
    filtered_list,
    photo_response,
    post_form,
    rate_page,
    requester_phone_page,
    safe_next,
    status_page,
    submit_page,
    track_page,
)
from services.resident.views import crumbs as _crumbs
from services.wishes import actions, permissions, selectors
from services.wishes.choices import DONE_STATUSES, WISH_PATH, ClaimantKind, WishAction, WishStatus
from services.wishes.forms import ClaimForm, FulfilForm, RateForm, WishFilterForm, WishSubmitForm
from services.wishes.models import Wish

RANKING_SHOWN = 10


# ----------------------------------------------------------------------------- helpers
def claimant_phrase(wish) -> str:
    """Who claimed, without naming anyone (public pages)."""
    kind = wish.claimant_kind
    if kind == ClaimantKind.MEMBER:
        return _("已由一名党员认领")
    if kind == ClaimantKind.ORG:
        return _("已由一个党组织认领")
    return ""


def _progress(wish):
    """The steps of the normal path with done/current flags, for the status page."""
    if wish.status in (WishStatus.REJECTED, WishStatus.CANCELLED):
        return []
    reached = WISH_PATH.index(WishStatus(wish.status))
    return [
        {"label": status.label, "done": i <= reached, "current": i == reached}
        for i, status in enumerate(WISH_PATH)
    ]


# ------------------------------------------------------------------------------ public
@declare_access(anyone)
@never_cache
def wish_submit(request):
    return submit_page(
        request, form_class=WishSubmitForm, submit=actions.wish_submit,
        ip_limit="WISH_SUBMIT_IP_LIMIT", phone_limit="WISH_SUBMIT_PHONE_LIMIT", session_key="services_new_wish",
        status_view="services:wish_status", template="services/public_submit.html",
        context=lambda: {"track_form": TrackForm()},
    )


def wish_buildings(request):
    """``<option>``s of a community's buildings (htmx on the public form)."""
    return buildings_page(request, WishSubmitForm)


def wish_track(request):
    return track_page(request, form_class=TrackForm, status_view="services:wish_status",
                      template="services/public_track.html", find=actions.wish_for_code)


def _public_context(wish):
    return {
        "wish": wish,
        "timeline": selectors.public_timeline(wish),
        "progress": _progress(wish),
        "claimant": claimant_phrase(wish),
        "can_rate": WishAction.RATE in available_transitions(wish, None),
    }


@never_cache
def wish_status(request, code):
    """The public status page: progress by code, no personal data of anyone."""
    return status_page(request, code, find=actions.wish_for_code, session_key="services_new_wish",
                       status_view="services:wish_status", template="services/public_status.html",
                       context=_public_context)


def wish_result_photo(request, code):
    """The fulfilment photo of a fulfilled wish, by its tracking code (the resident's
    authority, as for the status page): the photo was re-encoded without metadata on upload,
    so it carries no personal data beyond what it shows; never a public media URL."""
    wish = actions.wish_for_code(code)
    if wish.status not in DONE_STATUSES or not wish.fulfil_photo:
        raise Http404
    return photo_response(wish.fulfil_photo)


@never_cache
def wish_rate(request, code):
    return rate_page(request, code, find=actions.wish_for_code, rate=actions.wish_rate, rate_verb=WishAction.RATE,
                     form_class=RateForm, ip_limit="WISH_RATE_IP_LIMIT", code_limit="WISH_RATE_CODE_LIMIT", status_view="services:wish_status",
                     template="services/public_rate.html", name="wish")


# ------------------------------------------------------------------------------- staff
@page_access(permissions.can_read_wishes, gettext_lazy("您的角色无权查看心愿审核列表。"))
@refusals
def wish_list(request):
    user = request.user
    return render(request, "services/wish_list.html", filtered_list(
        request, selectors.wishes_for_review(user), WishFilterForm(request.GET or None),
        narrow=lambda qs, values: qs.filter(kind=values["kind"]) if values.get("kind") else qs,
        status_counts=selectors.status_counts, statuses=WishStatus,
    ))


def _wish_for_view(user, pk):
    wish = (
        selectors.wishes_for(user)
        .select_related("community", "building__parent", "claimed_member", "claimed_org__area")
        .filter(pk=pk).first()
    )
    if wish is None:
        raise Http404
    return wish


def _detail(request, wish, *, status=200, **forms):
    user = request.user
    steps = available_transitions(wish, user)
    is_claimant = permissions.is_claimant(user, wish)
    orgs = permissions.claimable_orgs(user).order_by(*trees.tree_order())
    has_member = resident_permissions.member_of(user) is not None
    claim_form = forms.get("claim_form") or ClaimForm(prefix="claim", orgs=orgs)
    if not has_member:
        claim_form.fields["org"].required = True
        claim_form.fields["org"].empty_label = None
    return render(request, "services/wish_detail.html", {
        "wish": wish,
        "events": list(selectors.events(wish)),
        "crumbs": _crumbs((_("微心愿"), reverse("services:wish_list") if permissions.can_read_wishes(user) else None),
                          (wish.code, None)),
        "show_personal": permissions.can_see_personal(user, wish),
        "show_name": permissions.can_see_personal(user, wish) or is_claimant,
        "can_contact": bool(wish.requester_phone) and permissions.can_contact_requester(user, wish),
        "can_review": WishAction.PUBLISH in steps,  # publish or reject
        "can_cancel": WishAction.CANCEL in steps,
        "can_claim": WishAction.CLAIM in steps,
        "can_fulfil": WishAction.FULFIL in steps,  # fulfil or release
        "reject_form": forms.get("reject_form") or ReasonForm(prefix="reject"),
        "cancel_form": forms.get("cancel_form") or ReasonForm(prefix="cancel"),
        "claim_form": claim_form,
        "fulfil_form": forms.get("fulfil_form") or FulfilForm(prefix="fulfil"),
    }, status=status)


@refusals
def wish_pick_orgs(request):
    """Picker options: the organizations the user may claim for (as the claim form validates)."""
    return pickers.picker_view(lambda r: permissions.claimable_orgs(r.user).order_by(*trees.tree_order()))(request)


@login_required
@refusals
def wish_detail(request, pk):
    return _detail(request, _wish_for_view(request.user, pk))


def _after(request, wish, message):
    messages.success(request, message)
    return redirect("services:wish_detail", pk=wish.pk)


def _refused(request, wish, exc):
    messages.error(request, message_of(exc))
    return safe_next(request, reverse("services:wish_detail", args=[wish.pk]))


@login_required
@refusals
@require_POST
def wish_publish(request, pk):
    wish = _wish_for_view(request.user, pk)
    try:
        actions.wish_publish(actor=request.user, wish=wish)
    except ValidationError as exc:
        return _refused(request, wish, exc)
    return _after(request, wish, _("心愿已审核通过，发布到心愿墙。"))


def _reason_action(request, pk, fn, prefix, done):
    wish = _wish_for_view(request.user, pk)
    form = ReasonForm(request.POST, prefix=prefix)
    response = _post(request, wish, form, lambda data: fn(actor=request.user, wish=wish, reason=data["reason"]), done)
    return response or _detail(request, wish, status=400, **{f"{prefix}_form": form})


def _post(request, wish, form, call, done):
    return post_form(request, form, call, done=done, to=lambda: redirect("services:wish_detail", pk=wish.pk),
                     refused=lambda exc: _refused(request, wish, exc))


@login_required
@refusals
@require_POST
def wish_reject(request, pk):
    return _reason_action(request, pk, actions.wish_reject, "reject", _("已退回该心愿，心愿人可在查询页看到原因。"))


@login_required
@refusals
@require_POST
def wish_cancel(request, pk):
    return _reason_action(request, pk, actions.wish_cancel, "cancel", _("已取消该心愿。"))


@login_required
@refusals
@require_POST
def wish_claim(request, pk):
    user = request.user
    wish = Wish.objects.filter(pk=pk).only("pk").first()  # the action checks the wall and the status
    if wish is None:
        raise Http404
    form = ClaimForm(request.POST, prefix="claim", orgs=permissions.claimable_orgs(user))
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择有效的认领党组织。"))
        actions.wish_claim(actor=user, wish=wish, org=form.cleaned_data.get("org"))
    except ValidationError as exc:
        # back to where the claim came from (a claimed wish is no longer on the wall, and a
        # member may no longer open it)
        messages.error(request, message_of(exc))
        return safe_next(request, reverse("services:wish_wall"))
    messages.success(request, _("认领成功！请在“我的认领”中跟进，完成后登记完成情况。"))
    return redirect("services:wish_detail", pk=wish.pk)


@login_required
@refusals
@require_POST
def wish_release(request, pk):
    wish = _wish_for_view(request.user, pk)
    try:
        actions.wish_release(actor=request.user, wish=wish)
    except ValidationError as exc:
        return _refused(request, wish, exc)
    messages.success(request, _("已释放认领，该心愿回到心愿墙。"))
    return redirect("services:my_claims")


@login_required
@refusals
@require_POST
def wish_fulfil(request, pk):
    wish = _wish_for_view(request.user, pk)
    form = FulfilForm(request.POST, request.FILES, prefix="fulfil")
    response = _post(
        request, wish, form,
        lambda data: actions.wish_fulfil(actor=request.user, wish=wish, note=data["note"], photo=data.get("photo") or None),
        _("已登记完成，感谢您的奉献！心愿人可以对完成情况进行评价。"),
    )
    return response or _detail(request, wish, status=400, fulfil_form=form)


@never_cache
@login_required
@require_POST
def wish_reveal_phone(request, pk):
    """The requester's full phone (an htmx fragment with a ``tel:`` link), for the reviewing
    staff and the claimant of an open wish; refused → the refusal fragment (403).  Every
    attempt is logged; the number is never in a URL."""
    return requester_phone_page(request, Wish, pk, lambda wish, **how: actions.wish_reveal_requester_phone(
        actor=request.user, wish=wish, **how))


@login_required
@refusals
def wish_photo(request, pk, which):
    """A wish's photo (``wish``) or its fulfilment photo (``fulfil``), to those who may open
    the wish (never a public URL)."""
    wish = _wish_for_view(request.user, pk)
    photo = {"wish": wish.photo, "fulfil": wish.fulfil_photo}.get(which)
    if not photo:
        raise Http404
    return photo_response(photo)


@page_access(permissions.can_open_wall, gettext_lazy("您的账号没有登记居住社区，也没有管辖区域，暂无心愿墙可看。"))
@refusals
def wish_wall(request):
    """Published wishes of a community (the member's own by default) or of an area the
    user's grants cover, with a claim button; the latest fulfilled wishes beside it."""
    user = request.user
    area_id = int_param(request, "area")
    if area_id is None:
        area = selectors.wall_area_for(user)
        if area is None:
            raise PermissionDeniedError(_("您的账号没有登记居住社区，也没有管辖区域，暂无心愿墙可看。"))
    else:
        mine = resident_permissions.member_community(user)
        if mine is not None and mine.pk == area_id:
            area = mine
        else:
            area = portal.get_visible_or_404(areas_selectors.areas_for(user), pk=area_id)
    if not permissions.sees_wall_of(user, area):
        raise Http404
    return render(request, "services/wish_wall.html", {
        "area": area,
        "page_obj": paginate(request, selectors.wall(area)),
        "ranking": list(selectors.fulfilled_ranking(area)[:RANKING_SHOWN]),
        "has_member": resident_permissions.member_of(user) is not None,
        "crumbs": _crumbs((_("心愿墙"), None), (area.name, None)),
    })


@page_access(permissions.can_claim_somewhere, gettext_lazy("只有党员和党组织的管理人员可以认领心愿。"))
@refusals
def my_claims(request):
    user = request.user
    todo = request.GET.get("todo") == "1"
    page_obj = paginate(request, selectors.claims_to_fulfil(user) if todo else selectors.my_claims(user))
    for wish in page_obj:
        wish.steps = available_transitions(wish, user, settled=permissions.CLAIMANT_VERBS)
    return render(request, "services/my_claims.html", {
        "page_obj": page_obj, "todo": todo,
        "crumbs": _crumbs((_("我的认领"), None)),
    })


def wish_home(request):
    """``/services/``: staff to the review list or the wall, residents to the wish form."""
    if not request.user.is_authenticated:
        return redirect("services:wish_submit")
    if permissions.can_read_wishes(request.user):
        return redirect("services:wish_list")
    return redirect("services:wish_wall")
