"""Routes of the network API, registered on the project's one router: each feature's
``api/views.py`` declares ``ROUTES`` (prefix, viewset, basename) and is listed here."""
from importlib import import_module

FEATURES: tuple[str, ...] = (
    "network.centres",
    "network.designations",
    "network.instructors",
    "network.committees",
    "network.projects",
    "network.funds",
)


def register(router) -> None:
    for feature in FEATURES:
        for prefix, viewset, basename in import_module(f"{feature}.api.views").ROUTES:
            router.register(prefix, viewset, basename=basename)
