"""Page flows shared by the services views (wishes, requests, whistles, 双报到).

Public resident pages (no account, mobile first): the rate-limited submit form, the
lookup by tracking code, the status page by code and the rating form (code + last four
digits of the phone).  Anonymous writes are limited per client IP and per phone; over the
limit → 429 with a Chinese page and ``Retry-After``.  Limits are ``(attempts, window
seconds)`` read from settings under their name, with the defaults below.

Staff pages: breadcrumbs, a list filtered by community, tracking code and status (with
the counts per status), a form posted to an action (refused change → flash message,
bad input → the form again with its errors), and a protected photo.
"""
import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dangjian import ratelimit
from dangjian.crypto import keyed_hash
from dangjian.errors import TransitionError, message_of
from dangjian.forms import attach_errors
from dangjian.portal import client_ip, int_param, paginate
from dangjian.workflow import available_transitions
from organizations.areas import selectors as areas_selectors
from services.resident.actions import digits, normalise_code


# -------------------------------------------------------------------------- rate limits
def allowed(name, key) -> bool:
    """Count one attempt of ``key`` against limit ``name``; ``False`` once over it."""
    return ratelimit.hit_named(name, key)


def too_many(request, name):
    """The 429 page of limit ``name`` (Chinese, with ``Retry-After``)."""
    limit, window = ratelimit.limit_for(name)
    response = render(request, "services/too_many.html", {"limit": limit, "minutes": max(1, window // 60)}, status=429)
    response["Retry-After"] = str(ratelimit.retry_after(name))
    return response


def client_key(request) -> str:
    return client_ip(request) or "unknown"


def _form_status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


# --------------------------------------------------------------------------- public pages
def submit_page(request, *, form_class, submit, ip_limit, phone_limit, session_key, status_view, template, context=dict):
    """The public submit form: on success the new row's code is remembered in the session
    (the status page greets it once) and the resident is sent to its status page.
    ``context()`` adds to the page's context when the form is shown."""
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, request.FILES if posted else None,
                      initial={"community": int_param(request, "community")})
    if posted:
        if not allowed(ip_limit, client_key(request)):
            return too_many(request, ip_limit)
        if form.is_valid():
            phone = digits(form.cleaned_data["phone"])
            if phone and not allowed(phone_limit, keyed_hash(phone)):
                return too_many(request, phone_limit)
            try:
                obj = submit(**form.action_values())
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                request.session[session_key] = obj.code
                return redirect(status_view, code=obj.code)
    return render(request, template, {"form": form, **context()}, status=_form_status(form))


def buildings_page(request, form_class):
    """``<option>``s of a community's buildings (fetched by the public form)."""
    form = form_class(initial={"community": int_param(request, "community")})
    return render(request, "services/_building_options.html", {"field": form["building"]})


def track_page(request, *, form_class, status_view, template):
    form = form_class(request.GET or None)
    if form.is_bound and form.is_valid():
        code = normalise_code(form.cleaned_data["code"])
        if code:
            return redirect(status_view, code=code)
    return render(request, template, {"form": form})


def status_page(request, code, *, find, session_key, status_view, template, context):
    """Progress by code (``find(code)`` or 404), at the code's canonical spelling."""
    obj = find(code)
    if obj.code != code:
        return redirect(status_view, code=obj.code)
    is_new = request.session.get(session_key) == obj.code
    if is_new:
        del request.session[session_key]
    return render(request, template, {**context(obj), "is_new": is_new})


def rate_page(request, code, *, find, rate, rate_verb, form_class, ip_limit, status_view, template, name):
    """The public rating form of a row whose status allows ``rate_verb`` (otherwise back to
    its status page)."""
    obj = find(code)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not allowed(ip_limit, client_key(request)):
            return too_many(request, ip_limit)
        done = post_form(request, form, lambda data: rate(code=obj.code, **data), done=_("感谢您的评价！"),
                         to=lambda: redirect(status_view, code=obj.code))
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


def filtered_list(request, qs, filters, *, narrow, status_counts, statuses):
    """The context of a staff list: ``filters`` (a ``FilterForm`` with ``community``, ``q``
    and ``status``) applied to ``qs``, ``narrow(qs, values)`` for the list's own filters;
    the counts per status are taken before the status filter, newest first, paginated."""
    values = filters.filters()
    community_filter = None
    if values.get("community"):
        qs = qs.filter(community_id=values["community"])
        community_filter = areas_selectors.areas_for(request.user).filter(pk=values["community"]).first()
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
    }


def photo_response(photo):
    """A stored photo for a signed-in reader (never a public URL)."""
    content_type = mimetypes.guess_type(photo.name)[0] or "application/octet-stream"
    response = FileResponse(photo.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
