"""The contract bases (dangjian.testing.contracts) fail when they should.

Fake endpoints over resident units are mounted by this module's own ``urlpatterns``: a
sound one keeps every contract; each faulty one (a leaking detail or list, a 404 that
tells out-of-scope from missing, one query per row, no login, no role check) must make
the matching contract test raise ``AssertionError``.  The contract classes here do not
start with ``Test``: their methods are run directly, never collected.
"""
import inspect

import pytest
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import include, path
from rest_framework import routers, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated

from dangjian.scoping import get_scope
from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.grants.choices import MANAGE_ROLES, Role
from organizations.tests.factories import ResidentUnitFactory, user_with
from organizations.units.models import ResidentUnit

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


# ------------------------------------------------------------------ fake API endpoints
class UnitSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name")

    class Meta:
        model = ResidentUnit
        fields = ("id", "name", "community_name")


class SoundUnits(viewsets.ReadOnlyModelViewSet):
    """Scoped, joined, signed-in only: keeps every contract."""

    serializer_class = UnitSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return ResidentUnit.objects.visible_to(self.request.user).select_related("community").order_by("pk")


class LeakyDetailUnits(SoundUnits):
    def get_object(self):
        return get_object_or_404(ResidentUnit.objects.all(), pk=self.kwargs["pk"])


class LeakyListUnits(SoundUnits):
    def get_queryset(self):
        if self.action == "list":
            return ResidentUnit.objects.select_related("community").order_by("pk")
        return super().get_queryset()


class TellingUnits(SoundUnits):
    """404 for out of scope, but with a message a missing pk does not get."""

    def get_object(self):
        if ResidentUnit.objects.filter(pk=self.kwargs["pk"]).exists() and not self.get_queryset().filter(pk=self.kwargs["pk"]):
            raise NotFound("该单位不在您的管辖范围内。")
        return super().get_object()


class NPlusOneUnits(SoundUnits):
    def get_queryset(self):
        return ResidentUnit.objects.visible_to(self.request.user).order_by("pk")  # community read once per row


class OpenUnits(SoundUnits):
    permission_classes = [AllowAny]


class BrokenDetailUnits(SoundUnits):
    def get_object(self):
        raise NotFound()


router = routers.SimpleRouter()
for prefix, viewset in (
    ("sound", SoundUnits), ("leaky-detail", LeakyDetailUnits), ("leaky-list", LeakyListUnits),
    ("telling", TellingUnits), ("n-plus-one", NPlusOneUnits), ("open", OpenUnits), ("broken", BrokenDetailUnits),
):
    router.register(prefix, viewset, basename=prefix)


# ------------------------------------------------------------------ fake pages
LIST = engines["django"].from_string('{% for u in rows %}<a href="/pages/sound/{{ u.pk }}/">{{ u }} {{ u.community.name }}</a>{% endfor %}')
DETAIL = engines["django"].from_string("<h1>{{ unit }}</h1><p>{{ unit.community.name }}</p>")


def page_list(*, joined=True, checks_role=True, links_all=False, requires_login=True):
    def view(request):
        if checks_role and not get_scope(request.user).has_role(*MANAGE_ROLES):
            raise PermissionDenied
        rows = ResidentUnit.objects.visible_to(request.user).order_by("pk")
        rows = rows.select_related("community") if joined else rows
        html = LIST.render({"rows": rows}, request)
        if links_all:  # a "nearby units" box that forgot the scope
            html += "".join(f'<a href="/pages/sound/{pk}/">' for pk in ResidentUnit.objects.values_list("pk", flat=True))
        return HttpResponse(html)

    return login_required(view) if requires_login else view


def page_detail(*, scoped=True, checks_role=True):
    @login_required
    def view(request, pk):
        if checks_role and not get_scope(request.user).has_role(*MANAGE_ROLES):
            raise PermissionDenied
        units = ResidentUnit.objects.visible_to(request.user) if scoped else ResidentUnit.objects.all()
        unit = get_object_or_404(units.select_related("community"), pk=pk)
        return HttpResponse(DETAIL.render({"unit": unit}, request))

    return view


urlpatterns = [
    path("login/", lambda request: HttpResponse("login"), name="login"),
    path("api/", include(router.urls)),
    path("pages/sound/", page_list(), name="sound-list-page"),
    path("pages/sound/<int:pk>/", page_detail(), name="sound-page"),
    path("pages/leaky/<int:pk>/", page_detail(scoped=False), name="leaky-page"),
    path("pages/n-plus-one/", page_list(joined=False), name="n-plus-one-list-page"),
    path("pages/lax/", page_list(checks_role=False), name="lax-list-page"),
    path("pages/lax/<int:pk>/", page_detail(checks_role=False), name="lax-page"),
    path("pages/links-all/", page_list(links_all=True), name="links-all-list-page"),
    path("pages/open/", page_list(checks_role=False, requires_login=False), name="open-list-page"),
]


# ------------------------------------------------------------------ contracts over them
class Units:
    """In scope: a unit of community 甲; out of scope: one of 乙."""

    def make_in_scope(self):
        return ResidentUnitFactory(community=self.w.a.area)

    def make_out_of_scope(self):
        return ResidentUnitFactory(community=self.w.b.area)


class SoundApi(Units, ApiListContract, ApiDetailContract):
    list_url = "/api/sound/"
    detail_url = by_pk("sound-detail")
    list_budget = 3  # scope, count, rows
    detail_budget = 2  # scope, row


class SoundPages(Units, PageListContract, PageDetailContract):
    list_url = "/pages/sound/"
    list_context = "rows"
    detail_url = by_pk("sound-page")
    list_budget = 7  # session, user, scope, rows, session saved (savepoint, update, release)
    detail_budget = 7  # the same with the one row


@pytest.fixture
def users(city):
    return {
        "user_in_scope": user_with(Role.COMMUNITY, city.a.area),
        "user_without_permission": user_with(Role.GRID, city.a.area),
    }


def contract(cls, city, **declarations):
    """An instance of the contract class ``cls`` over ``city``, with ``declarations`` overridden."""
    instance = cls()
    instance.w = city
    for name, value in declarations.items():
        setattr(instance, name, value)  # an instance attribute: a function stays unbound
    return instance


def run(instance, method, users):
    """Call a contract test with the users its signature asks for."""
    test = getattr(instance, method)
    return test(**{name: users[name] for name in inspect.signature(test).parameters})


def contract_tests(cls, *, skip=()):
    return sorted(name for name in dir(cls) if name.startswith("test_") and name not in skip)


# ------------------------------------------------------------------ sound endpoints pass
@pytest.mark.parametrize("method", contract_tests(SoundApi, skip={
    "test_list_refused_to_role_without_permission", "test_detail_refused_to_role_without_permission"}))
def test_a_sound_api_endpoint_keeps_every_contract(city, users, method):
    run(contract(SoundApi, city), method, users)


@pytest.mark.parametrize("method", contract_tests(SoundPages))
def test_sound_pages_keep_every_contract(city, users, method):
    run(contract(SoundPages, city), method, users)


def test_without_a_refused_role_the_role_test_skips(city, users):
    with pytest.raises(pytest.skip.Exception, match="no user_without_permission declared"):
        contract(SoundApi, city).test_list_refused_to_role_without_permission(None)


# ------------------------------------------------------------------ faulty API endpoints fail
def _fails(instance, method, users, match):
    with pytest.raises(AssertionError, match=match):
        run(instance, method, users)


def test_a_detail_that_answers_out_of_scope_fails(city, users):
    leaky = contract(SoundApi, city, detail_url=lambda obj: f"/api/leaky-detail/{obj.pk}/")
    _fails(leaky, "test_detail_out_of_scope_is_404_like_missing", users, r"out of scope: 200, expected 404")


def test_a_list_that_shows_out_of_scope_rows_fails(city, users):
    leaky = contract(SoundApi, city, list_url="/api/leaky-list/")
    _fails(leaky, "test_list_shows_in_scope_never_out_of_scope", users, r"the out-of-scope object .* is listed")


def test_a_404_that_tells_out_of_scope_from_missing_fails(city, users):
    telling = contract(SoundApi, city, detail_url=lambda obj: f"/api/telling/{obj.pk}/")
    _fails(telling, "test_detail_out_of_scope_is_404_like_missing", users, r"differs from a missing one's")


def test_a_list_with_a_query_per_row_fails(city, users):
    growing = contract(SoundApi, city, list_url="/api/n-plus-one/", list_budget=100)
    _fails(growing, "test_list_query_count_flat", users, r"\d+ queries, then \d+ with 5 more rows")


def test_a_list_over_its_budget_fails(city, users):
    _fails(contract(SoundApi, city, list_budget=2), "test_list_query_count_flat", users, r"3 queries, budget 2")


def test_a_list_open_to_anonymous_callers_fails(city, users):
    _fails(contract(SoundApi, city, list_url="/api/open/"), "test_list_refused_to_anonymous", users, r"expected 401/403")


def test_a_detail_that_finds_nothing_fails_the_in_scope_test(city, users):
    broken = contract(SoundApi, city, detail_url=lambda obj: f"/api/broken/{obj.pk}/")
    _fails(broken, "test_detail_in_scope_is_200", users, r"in scope: 404, expected 200")


def test_an_out_of_scope_object_nobody_can_open_fails(city, users):
    # A 404 proves nothing if the object does not open for anyone: the superuser check catches it.
    broken = contract(SoundApi, city, detail_url=lambda obj: f"/api/broken/{obj.pk}/")
    _fails(broken, "test_detail_out_of_scope_is_404_like_missing", users, r"by a superuser: 404")


def test_a_missing_budget_fails(city, users):
    _fails(contract(SoundApi, city, detail_budget=None), "test_detail_query_count_flat", users, r"declares no query budget")


# ------------------------------------------------------------------ faulty pages fail
def test_a_page_that_opens_out_of_scope_objects_fails(city, users):
    leaky = contract(SoundPages, city, detail_url=lambda obj: f"/pages/leaky/{obj.pk}/")
    _fails(leaky, "test_detail_out_of_scope_is_404_like_missing", users, r"out of scope: 200, expected 404")


def test_a_page_with_a_query_per_row_fails(city, users):
    growing = contract(SoundPages, city, list_url="/pages/n-plus-one/", list_budget=100)
    _fails(growing, "test_list_query_count_flat", users, r"with 5 more rows")


def test_a_page_that_links_out_of_scope_objects_fails(city, users):
    linking = contract(SoundPages, city, list_url="/pages/links-all/")
    _fails(linking, "test_list_shows_in_scope_never_out_of_scope", users, r"links the out-of-scope")


def test_a_page_that_lets_a_refused_role_in_fails(city, users):
    _fails(contract(SoundPages, city, list_url="/pages/lax/"), "test_list_refused_to_role_without_permission", users,
           r"expected 403")
    lax = contract(SoundPages, city, detail_url=lambda obj: f"/pages/lax/{obj.pk}/")
    _fails(lax, "test_detail_refused_to_role_without_permission", users, r"expected 403")


def test_a_page_without_login_fails(city, users):
    _fails(contract(SoundPages, city, list_url="/pages/open/"), "test_list_refused_to_anonymous", users,
           r"expected a redirect to /login/")
