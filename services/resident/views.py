"""Page flows shared by the services views (wishes, requests, whistles, 双报到).

Public resident pages (no account, mobile first): the rate-limited submit form, the
lookup by tracking code, the status page by code and the rating form (code + last four
digits of the phone).  Successful submissions are limited per client address and per phone,
wrong rating digits per tracking code; over a limit → 429 with the form again (what was
typed kept), a Chinese message and ``Retry-After``.  Limits are ``(attempts, window
seconds)`` read from settings under their name, with the defaults below.

Staff pages: breadcrumbs, a list filtered by community, tracking code and status (with
the counts per status), a form posted to an action (refused change → flash message,
bad input → the form again with its errors), and a protected photo.
"""
import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dangjian import pickers, ratelimit
from dangjian.crypto import keyed_hash
from dangjian.errors import PermissionDeniedError, TransitionError, message_of
from dangjian.forms import attach_errors
from dangjian.portal import client_ip, int_param, paginate
from dangjian.workflow import available_transitions
from organizations.areas import selectors as areas_selectors
from organizations.members.choices import AccessChannel
from services.resident import selectors
from services.resident.actions import digits, normalise_code, split_code
from services.resident.forms import community_label


# -------------------------------------------------------------------------- rate limits
def allowed(name, key) -> bool:
    """Is there room for one more under limit ``name`` for ``key``?  (Nothing is counted:
    a submission counts once it succeeded, a rating once its digits were wrong.)"""
    return ratelimit.allowed_named(name, key)


def counted(name, key) -> None:
    ratelimit.count_named(name, key)


def too_many_message(name) -> str:
    limit, window = ratelimit.limit_for(name)
    return _("操作过于频繁，请稍后再试：同一来源 %(minutes)d 分钟内最多可提交 %(limit)d 次。您填写的内容已保留，"
             "可稍后再提交；如有急事，请直接联系所在社区。") % {"minutes": max(1, window // 60), "limit": limit}


def too_many(request, name, *, template=None, context=None):
    """The 429 answer of limit ``name`` (Chinese, with ``Retry-After``): the refused form again
    with what was typed (``template`` and ``context``), or the plain page."""
    limit, window = ratelimit.limit_for(name)
    if template is None:
        response = render(request, "services/too_many.html", {"limit": limit, "minutes": max(1, window // 60)},
                          status=429)
    else:
        response = render(request, template, context, status=429)
    response["Retry-After"] = str(ratelimit.retry_after(name))
    return response


def _refuse_form(request, form, name, template, context):
    form.is_valid()  # errors computed, so the message can join them
    form.add_error(None, too_many_message(name))
    return too_many(request, name, template=template, context=context)


def client_key(request) -> str:
    return client_ip(request) or "unknown"


def _form_status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def failed_guess(exc) -> bool:
    """A rating refused for wrong last four digits (not for a missing choice)."""
    return "phone_last4" in getattr(exc, "error_dict", {})


# --------------------------------------------------------------------------- public pages
def submit_page(request, *, form_class, submit, ip_limit, phone_limit, session_key, status_view, template, context=dict):
    """The public submit form: on success the new row's code is remembered in the session
    (the status page greets it once) and the resident is sent to its status page.
    ``context()`` adds to the page's context when the form is shown.

    Limits count successful submissions per client address and per phone: they are checked
    before and counted after the row is saved, so a form refused for a typo costs nothing;
    a refused form (bad input, or over a limit → 429) shows again with what was typed."""
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, request.FILES if posted else None,
                      initial={"community": int_param(request, "community")})
    page = lambda: {"form": form, **context()}  # noqa: E731
    if posted:
        ip = client_key(request)
        if not allowed(ip_limit, ip):
            return _refuse_form(request, form, ip_limit, template, page())
        if form.is_valid():
            phone = digits(form.cleaned_data["phone"])
            phone_key = keyed_hash(phone) if phone else None
            if phone_key and not allowed(phone_limit, phone_key):
                return _refuse_form(request, form, phone_limit, template, page())
            try:
                obj = submit(**form.action_values())
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                counted(ip_limit, ip)
                if phone_key:
                    counted(phone_limit, phone_key)
                request.session[session_key] = obj.code
                return redirect(status_view, code=obj.code)
    return render(request, template, page(), status=_form_status(form))


def communities_page(request):
    """The public forms' community picker: communities by name or street name (public data)."""
    return pickers.picker_view(lambda r: selectors.public_communities(), fields=("name", "parent__name"),
                               label=community_label, public=True)(request)


def buildings_page(request, form_class):
    """``<option>``s of a community's buildings (fetched by the public form's picker): at most
    ``form_class.BUILDINGS_SHOWN`` of them, those matching ``q`` (a name), page ``page``; a last
    disabled option says when there are more (type to narrow, or ask the next page)."""
    form = form_class(initial={"community": int_param(request, "community")})
    community = form.chosen_community()
    q = (request.GET.get("q") or "").strip()[:50]
    page = max(1, int_param(request, "page") or 1)
    size = form_class.BUILDINGS_SHOWN
    choices = form.building_choices(community, q, offset=(page - 1) * size)
    more = community is not None and form.buildings(community, q)[page * size:page * size + 1].exists()
    return render(request, "services/_building_options.html", {
        "choices": ([("", _("不选择楼栋"))] if page == 1 else []) + choices, "more": more, "next_page": page + 1,
    })


# An Open311 id typed into either tracking page leads to its own kind's status page.
STATUS_VIEWS = {"W": "services:wish_status", "R": "requests:public_status"}


def track_page(request, *, form_class, status_view, template, find):
    """The lookup by tracking code: a known code leads to its status page; an unknown one is
    a field error on the form (404, what was typed kept), never a bare "Not Found".  A code
    with the other kind's Open311 prefix goes to that kind's status page, which answers an
    unknown code with the friendly 404 page and this form."""
    form = form_class(request.GET or None)
    status = 200
    if form.is_bound and form.is_valid():
        prefix, code = split_code(form.cleaned_data["code"])
        target = STATUS_VIEWS.get(prefix, status_view)
        if not code:
            form.add_error("code", _("请填写提交时得到的查询码。"))
            status = 400
        elif target != status_view:
            return redirect(target, code=code)
        else:
            try:
                obj = find(code)
            except Http404:
                form.add_error("code", _("没有找到查询码为“%(code)s”的记录，请核对后重新输入（查询码在提交成功的页面上）。")
                               % {"code": code})
                status = 404
            else:
                return redirect(status_view, code=obj.code)
    elif form.is_bound:
        status = 400
    return render(request, template, {"form": form}, status=status)


def status_page(request, code, *, find, session_key, status_view, template, context):
    """Progress by code (``find(code)`` or 404), at the code's canonical spelling."""
    obj = find(code)
    if obj.code != code:
        return redirect(status_view, code=obj.code)
    is_new = request.session.get(session_key) == obj.code
    if is_new:
        del request.session[session_key]
    return render(request, template, {**context(obj), "is_new": is_new})


def rate_page(request, code, *, find, rate, rate_verb, form_class, ip_limit, code_limit, status_view, template, name):
    """The public rating form of a row whose status allows ``rate_verb`` (otherwise back to
    its status page).  Wrong last four digits are counted per tracking code (``code_limit``,
    so guessing one code is capped and others' guesses never block it) and per client
    address (``ip_limit``, a generous ceiling); a right rating is never counted."""
    obj = find(code)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        ip = client_key(request)
        context = {name: obj, "form": form}
        for limit, key in ((code_limit, obj.code), (ip_limit, ip)):
            if not allowed(limit, key):
                return _refuse_form(request, form, limit, template, context)

        def call(data):
            try:
                rate(code=obj.code, **data)
            except ValidationError as exc:
                if failed_guess(exc):
                    counted(code_limit, obj.code)
                    counted(ip_limit, ip)
                raise

        done = post_form(request, form, call, done=_("感谢您的评价！"), to=lambda: redirect(status_view, code=obj.code))
        if done is not None:
            return done
    elif rate_verb not in available_transitions(obj, None):
        return redirect(status_view, code=obj.code)
    return render(request, template, {name: obj, "form": form}, status=_form_status(form))


# ---------------------------------------------------------------------------- staff pages
def crumbs(*items):
    return [{"label": label, "url": url} for label, url in items]


def post_form(request, form, call, *, done, to, refused=None):
    """Run ``call(form.cleaned_data)`` for a valid form.  Done → flash ``done`` and ``to()``;
    a refused change (``TransitionError``) → ``refused(exc)``, by default a flash message
    and ``to()``; other errors go onto the form.  ``None`` when the caller is to show the
    form again with its errors."""
    if not form.is_valid():
        return None
    try:
        call(form.cleaned_data)
    except TransitionError as exc:
        if refused is not None:
            return refused(exc)
        messages.error(request, message_of(exc))
        return to()
    except ValidationError as exc:
        attach_errors(form, exc)
        return None
    messages.success(request, done)
    return to()


def safe_next(request, fallback):
    """Back to the page the form came from (``next``, a local path only), else ``fallback``."""
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(fallback)


def figure_filter(request, qs, values, *, area_field="community"):
    """The filters of a list a dashboard figure links to (``within``: an area's subtree,
    ``period``: made in that period, as ``assessments.dashboard.rollups`` counts): ``(qs,
    {"area", "period_label"} or None)``.  An area out of scope lists nothing."""
    from assessments.scoring import periods
    from dangjian import trees

    shown = {}
    if values.get("within"):
        area = areas_selectors.areas_for(request.user).filter(pk=values["within"]).first()
        qs = qs.filter(trees.subtree_q(area, area_field)) if area is not None else qs.none()
        shown["area"] = area
    if values.get("period") and periods.is_key(values["period"]):
        period = periods.parse(values["period"])
        start, end = periods.moments(period)
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
        shown["period_label"] = period.label
    return qs, (shown or None)


def filtered_list(request, qs, filters, *, narrow, status_counts, statuses):
    """The context of a staff list: ``filters`` (a ``FilterForm`` with ``community``, ``q``
    and ``status``, and the figure filters ``within``/``period``) applied to ``qs``,
    ``narrow(qs, values)`` for the list's own filters; the counts per status are taken
    before the status filter, newest first, paginated."""
    values = filters.filters()
    community_filter = None
    if values.get("community"):
        qs = qs.filter(community_id=values["community"])
        community_filter = areas_selectors.areas_for(request.user).filter(pk=values["community"]).first()
    qs, figure = figure_filter(request, qs, values)
    if q := values.get("q"):
        qs = qs.filter(code__icontains=normalise_code(q))
    qs = narrow(qs, values)
    counts = status_counts(qs)
    if values.get("status"):
        qs = qs.filter(status=values["status"])
    return {
        "page_obj": paginate(request, qs.order_by("-created_at", "-id")),
        "filters": filters,
        "counts": [(s, s.label, counts.get(s.value, 0)) for s in statuses],
        "community_filter": community_filter,
        "community_filter_id": values.get("community"),
        "figure_filter": figure,
    }


def photo_response(photo):
    """A stored photo for a signed-in reader (never a public URL)."""
    content_type = mimetypes.guess_type(photo.name)[0] or "application/octet-stream"
    response = FileResponse(photo.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def requester_phone_page(request, model, pk, reveal):
    """The requester's full phone as an htmx fragment (a ``tel:`` link) — the one shape of the
    wish and request reveal views: ``reveal(obj, channel=…, ip=…)`` is the feature's action,
    which checks scope, role and status and logs every attempt; a refusal answers the
    refusal fragment (403).  The number is never in a URL."""
    obj = model.objects.filter(pk=pk).only("pk").first()
    if obj is None:
        raise Http404
    try:
        phone = reveal(obj, channel=AccessChannel.WEB, ip=client_ip(request))
    except PermissionDeniedError as exc:
        return render(request, "organizations/_reveal_refused.html", {"message": str(exc)}, status=403)
    return render(request, "services/_requester_phone_revealed.html", {"phone": phone})
