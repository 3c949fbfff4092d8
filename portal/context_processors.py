"""The menus of templates/base.html, built from the pages' own rules (``portal.menu``).

Lazy: a response that renders no menu (a JSON answer, an htmx fragment) asks nothing."""
from django.utils.functional import SimpleLazyObject

from portal import menu


def menus(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_menu": (), "portal_user_menu": ()}
    path = request.path
    return {
        "portal_menu": SimpleLazyObject(lambda: menu.main_menu(user, path)),
        "portal_user_menu": SimpleLazyObject(lambda: menu.user_menu(user, path)),
    }
