"""Routes of the services API, registered on the project's one router."""
from services.api.views import PublicWishViewSet, WishViewSet

ROUTES = (
    ("wishes", WishViewSet, "wish"),
    ("public/wishes", PublicWishViewSet, "public-wish"),
)


def register(router) -> None:
    from services.api import reporting, requests, whistles

    for prefix, viewset, basename in (*ROUTES, *requests.ROUTES, *whistles.ROUTES, *reporting.ROUTES):
        router.register(prefix, viewset, basename=basename)
