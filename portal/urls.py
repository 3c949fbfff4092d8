from django.contrib import admin
from django.urls import include, path

from dangjian import views as dangjian_views
from portal import views, webapp

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", dangjian_views.healthz, name="healthz"),
    path("healthz/ping", dangjian_views.ping, name="healthz_ping"),
    path("favicon.ico", webapp.favicon, name="favicon"),
    path("manifest.webmanifest", webapp.manifest, name="web_manifest"),
    path("accounts/", include("organizations.accounts.urls")),
    path("org/", include("organizations.urls")),
    path("grids/", include("grids.urls")),
    path("life/", include("assessments.life.urls")),
    path("", include("services.wishes.urls")),  # public wish pages under /w/, staff pages under /services/
    path("", include("services.requests.urls")),  # public request pages under /r/, staff under /services/requests/
    path("services/whistles/", include("services.whistles.urls")),
    path("", include("services.deliberation.urls")),  # 居民议事: public pages under /y/, staff under /services/deliberation/
    path("services/reporting/", include("services.checkins.urls")),
    path("open311/v2/", include("services.open311.urls")),
    path("checklists/", include("assessments.checklists.urls")),
    path("scores/", include("assessments.scoring.urls")),
    path("dashboard/", include("assessments.dashboard.urls")),
    path("burden/", include("assessments.burden.urls")),
    path("reports/", include("assessments.reports.urls")),  # 一表通 (assessments.reports)
    path("", include("network.centres.urls")),  # 党群服务中心: public finder under /c/, staff under /network/centres/
    path("network/designations/", include("network.designations.urls")),  # 示范点与星级
    path("network/instructors/", include("network.instructors.urls")),  # 党建指导员 (network.instructors)
    path("network/committees/", include("network.committees.urls")),  # 区域化党建 (network.committees)
    path("network/projects/", include("network.projects.urls")),  # 项目化服务 (network.projects)
    path("network/funds/", include("network.funds.urls")),  # 经费 (network.funds)
    path("api/", include("dangjian.api.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "城市基层党建平台 · 管理后台"
admin.site.site_title = "党建平台后台"

# Under /api/ Django's own error pages answer JSON (dangjian.api.exceptions); elsewhere HTML.
handler400 = "dangjian.api.exceptions.bad_request"
handler403 = "dangjian.api.exceptions.permission_denied"
handler404 = "dangjian.api.exceptions.page_not_found"
handler500 = "dangjian.api.exceptions.server_error"
