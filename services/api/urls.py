"""Routes of the services API, registered on the project's one router."""
from .views import PublicWishViewSet, WishViewSet

ROUTES = (
    ("wishes", WishViewSet, "wish"),
    ("public/wishes", PublicWishViewSet, "public-wish"),
)


def register(router) -> None:
    for prefix, viewset, basename in ROUTES:
        router.register(prefix, viewset, basename=basename)
