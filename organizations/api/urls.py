"""Routes of the organizations API, registered on the project's one router
(``dangjian.api.routers.build_router`` calls ``register``)."""
from organizations.api.views import AreaViewSet, CentralHouseholdViewSet, MemberViewSet, PartyOrgViewSet, ResidentUnitViewSet

ROUTES = (
    ("areas", AreaViewSet, "area"),
    ("orgs", PartyOrgViewSet, "org"),
    ("members", MemberViewSet, "member"),
    ("resident-units", ResidentUnitViewSet, "resident-unit"),
    ("central-households", CentralHouseholdViewSet, "central-household"),
)


def register(router) -> None:
    for prefix, viewset, basename in ROUTES:
        router.register(prefix, viewset, basename=basename)
