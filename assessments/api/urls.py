"""Routes of the organizational-life API, registered on the project's one router
(``dangjian.api.routers.build_router`` calls ``register``)."""
from assessments.life.api.views import (
    ActivityTypeViewSet,
    ActivityViewSet,
    ComplianceViewSet,
    InactiveMemberViewSet,
    OrgCalendarViewSet,
    RuleSetViewSet,
    ServiceHoursViewSet,
    SignInViewSet,
)

ROUTES = (
    ("activities", ActivityViewSet, "activity"),
    ("activity-types", ActivityTypeViewSet, "activity-type"),
    ("rule-sets", RuleSetViewSet, "rule-set"),
    ("compliance", ComplianceViewSet, "compliance"),
    ("org-calendar", OrgCalendarViewSet, "org-calendar"),
    ("inactive-members", InactiveMemberViewSet, "inactive-member"),
    ("service-hours", ServiceHoursViewSet, "service-hours"),
    ("sign-in", SignInViewSet, "sign-in"),
)


def register(router) -> None:
    from assessments.appraisal.api import views as appraisal
    from assessments.burden.api import views as burden
    from assessments.checklists.api import views as checklists
    from assessments.dashboard.api import views as dashboard
    from assessments.reports.api import views as reports
    from assessments.scoring.api import views as scoring

    for prefix, viewset, basename in (*ROUTES, *checklists.ROUTES, *dashboard.ROUTES, *scoring.ROUTES, *appraisal.ROUTES,
                                      *burden.ROUTES, *reports.ROUTES):
        router.register(prefix, viewset, basename=basename)
