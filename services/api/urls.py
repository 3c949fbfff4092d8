"""Routes of the services API, registered on the project's one router."""
from services.wishes.api.views import PublicWishViewSet, WishViewSet

ROUTES = (
    ("wishes", WishViewSet, "wish"),
    ("public/wishes", PublicWishViewSet, "public-wish"),
)


def register(router) -> None:
    from services.checkins.api import views as reporting
    from services.deliberation.api import views as deliberation
    from services.requests.api import views as requests
    from services.whistles.api import views as whistles

    for prefix, viewset, basename in (*ROUTES, *requests.ROUTES, *whistles.ROUTES, *reporting.ROUTES, *deliberation.ROUTES):
        router.register(prefix, viewset, basename=basename)
