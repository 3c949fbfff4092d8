"""The project's one API router.

Every installed app that has an ``<app>/api/urls.py`` plugs into it by defining either

* ``register(router)`` — a function that calls ``router.register(...)``, or
* ``routes`` — a list of ``(prefix, viewset, basename)`` tuples,

and may also keep plain ``urlpatterns`` for views that are not viewsets (they are mounted
under ``/api/`` as well, see ``dangjian.api.urls``).  Apps are visited in
``INSTALLED_APPS`` order, so the same app list always yields the same URLs.
"""
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule
from rest_framework.routers import DefaultRouter


def app_api_modules():
    """The ``<app>.api.urls`` modules of the installed apps, in INSTALLED_APPS order."""
    modules = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "api"):
            continue
        package = import_module(f"{config.name}.api")
        if module_has_submodule(package, "urls"):
            modules.append(import_module(f"{config.name}.api.urls"))
    return modules


#: A path id: a positive integer that fits a 64-bit primary key.  Longer digit strings and
#: anything else do not route (404, as for a missing row) instead of overflowing the database.
ID_PATTERN = r"[0-9]{1,18}"


class Router(DefaultRouter):
    """The default router, with ``ID_PATTERN`` as the lookup of every viewset that names none."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        lookup_value = getattr(viewset, "lookup_value_regex", ID_PATTERN)
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{lookup_value})"


def build_router(modules=None) -> DefaultRouter:
    """DRF's default router (browsable root at ``/api/``) with the project's routes."""
    router = Router()
    for module in app_api_modules() if modules is None else modules:
        register = getattr(module, "register", None)
        if callable(register):
            register(router)
        for prefix, viewset, basename in getattr(module, "routes", ()):
            router.register(prefix, viewset, basename=basename)
    return router
