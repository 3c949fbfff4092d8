"""Who may open a page: one rule, declared on the view, read by the view and by the menu.

A view declares its rule with ``page_access(predicate, message)``: ``predicate(user)`` is a
plain function of the signed-in user (a feature's ``permissions.py`` holds it; it may ask
``dangjian.scoping.get_scope(user)`` for roles and user facts — no other query, since the
menu asks every rule on every page).  The decorator refuses an anonymous visitor with the
login redirect and a user the rule refuses with the 403 page (``dangjian.portal.forbidden``)
before the view runs, and keeps the rule on the view so that ``may_open(user, url_name)``
(the menu, the home page's quick links) shows a link only to users the page will let in::

    @page_access(permissions.can_read_grids, _("您的角色无权查看网格。"))
    def grid_list(request): ...

    may_open(user, "grids:grid_list")   # the same rule, without a request

The rule is coarse — "may this user open this page at all"; a page about one object still
answers 404 for an object out of scope and may refuse a role for a particular object.  A
view that must refuse in its own way (the API docs answer JSON) declares its rule with
``declare_access(predicate)`` and checks it itself.
"""
from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from dangjian.scoping import get_scope

ATTRIBUTE = "page_access"
DEFAULT_MESSAGE = _("您的角色无权打开此页面。")


# ----------------------------------------------------------------- common rules
def anyone(user) -> bool:
    """A public page (a resident's form): every visitor, signed in or not."""
    return True


def signed_in(user) -> bool:
    """Any signed-in user (the page is scoped, or about the user themselves)."""
    return bool(user is not None and getattr(user, "is_authenticated", False))


def has_scope(user) -> bool:
    """A global user or one holding at least one active grant."""
    return not get_scope(user).is_empty


def is_staff(user) -> bool:
    return signed_in(user) and bool(user.is_staff)


# ------------------------------------------------------------------ declaring
def declare_access(predicate):
    """Record ``predicate`` as the view's rule without enforcing it (the view checks it itself)."""

    def decorate(view):
        setattr(view, ATTRIBUTE, predicate)
        return view

    return decorate


def page_access(predicate, message=None):
    """Refuse the view to anonymous visitors (login redirect) and to users ``predicate``
    refuses (403 page with ``message``), and declare the rule for ``may_open``."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(user):
                from dangjian.portal import forbidden

                return forbidden(request, str(message or DEFAULT_MESSAGE))
            return view(request, *args, **kwargs)

        setattr(wrapper, ATTRIBUTE, predicate)
        return wrapper

    return decorate


def rule_of(view):
    """The rule a view declared (through ``functools.wraps`` of outer decorators), or None."""
    return getattr(view, ATTRIBUTE, None)


# ------------------------------------------------------------------- asking
_RULES: dict = {}  # url name → the rule of its view (a name always leads to the same view)


def rule_for(url_name: str, args=()):
    """The rule of the view ``url_name`` resolves to (``ImproperlyConfigured`` when it declares none)."""
    rule = _RULES.get(url_name)
    if rule is None:
        view = resolve(reverse(url_name, args=args)).func
        rule = rule_of(view)
        if rule is None:
            raise ImproperlyConfigured(
                f"the view of {url_name!r} declares no page rule: decorate it with dangjian.access.page_access"
            )
        _RULES[url_name] = rule
    return rule


def may_open(user, url_name: str, args=()) -> bool:
    """Whether ``user`` may open the page ``url_name`` (with ``args``): its view's own rule
    (a page behind ``page_access`` is never open to an anonymous visitor)."""
    rule = rule_for(url_name, args)
    return (rule is anyone or signed_in(user)) and bool(rule(user))


def may_open_path(user, path: str) -> bool:
    """``may_open`` for a link given as a URL (a breadcrumb's): the rule of the view its path
    resolves to; a path no view of ours declares a rule for (or none resolves) is left as it is."""
    from urllib.parse import urlsplit

    from django.urls import Resolver404

    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return True
    rule = rule_of(match.func)
    if rule is None:
        return True
    return (rule is anyone or signed_in(user)) and bool(rule(user))

