"""Routes of the organizations API, registered on the project's one router
(``dangjian.api.routers.build_router`` calls ``register``)."""
from organizations.accounts.api.views import ApiTokenViewSet, AuthTokenViewSet
from organizations.areas.api.views import AreaViewSet
from organizations.development.api.views import DevelopmentCaseViewSet
from organizations.dues.api.views import DuesBaseViewSet, DuesPaymentViewSet
from organizations.members.api.views import CentralHouseholdViewSet, MemberViewSet
from organizations.orgs.api.views import PartyOrgViewSet
from organizations.roles.api.views import ROUTES as ROLES_ROUTES
from organizations.staff.api.views import AccountViewSet
from organizations.temporary.api.views import ROUTES as TEMPORARY_ROUTES
from organizations.transfers.api.views import TransferViewSet
from organizations.units.api.views import ResidentUnitViewSet

ROUTES = (
    ("auth/token", AuthTokenViewSet, "auth-token"),
    ("auth/tokens", ApiTokenViewSet, "api-token"),
    ("areas", AreaViewSet, "area"),
    ("orgs", PartyOrgViewSet, "org"),
    ("members", MemberViewSet, "member"),
    ("resident-units", ResidentUnitViewSet, "resident-unit"),
    ("central-households", CentralHouseholdViewSet, "central-household"),
    ("auth/accounts", AccountViewSet, "account"),
    # 党费 (dues), read-only
    ("dues/payments", DuesPaymentViewSet, "dues-payment"),
    ("dues/bases", DuesBaseViewSet, "dues-base"),
    ("development-cases", DevelopmentCaseViewSet, "development-case"),
    ("transfers", TransferViewSet, "transfer"),
    *TEMPORARY_ROUTES,  # 临时党支部 (organizations.temporary)
    # 任职与换届 (交叉任职、一肩挑、换届提醒、领导联系社区), read-only
    *ROLES_ROUTES,
)


def register(router) -> None:
    for prefix, viewset, basename in ROUTES:
        router.register(prefix, viewset, basename=basename)
