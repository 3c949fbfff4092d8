"""Routes of the grids API, registered on the project's one router
(``dangjian.api.routers.build_router`` calls ``register``)."""
from grids.api.views import CoverageViewSet, DiaryViewSet, GridTeamViewSet, GridViewSet

ROUTES = (
    ("grids", GridViewSet, "grid"),
    ("grid-team", GridTeamViewSet, "grid-team"),
    ("diary", DiaryViewSet, "diary"),
    ("coverage", CoverageViewSet, "coverage"),
)


def register(router) -> None:
    for prefix, viewset, basename in ROUTES:
        router.register(prefix, viewset, basename=basename)
