"""Routes of the grids API, registered on the project's one router
(``dangjian.api.routers.build_router`` calls ``register``)."""
from grids.coverage.api.views import CoverageViewSet
from grids.diary.api.views import DiaryViewSet
from grids.grids.api.views import GridViewSet
from grids.teams.api.views import GridTeamViewSet

ROUTES = (
    ("grids", GridViewSet, "grid"),
    ("grid-team", GridTeamViewSet, "grid-team"),
    ("diary", DiaryViewSet, "diary"),
    ("coverage", CoverageViewSet, "coverage"),
)


def register(router) -> None:
    for prefix, viewset, basename in ROUTES:
        router.register(prefix, viewset, basename=basename)
