"""``{% load access %}`` — ``{% if user|may_open:"requests:my_tasks" %}``: a link inside a page
shown only to users the linked page lets in (its rule, ``dangjian.access.page_access``), as the
menus do; never a role test in a template."""
from django import template

from dangjian.access import may_open as _may_open
from dangjian.access import may_open_path as _may_open_path

register = template.Library()


@register.filter
def may_open(user, url_name: str) -> bool:
    return _may_open(user, url_name)


@register.filter
def may_open_path(user, path: str) -> bool:
    """``{% if user|may_open_path:c.url %}``: the same for a link given as a URL (breadcrumbs)."""
    return _may_open_path(user, path)
