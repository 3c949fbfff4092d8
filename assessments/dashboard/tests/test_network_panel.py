"""The dashboard's 阵地与区域化党建 panel (``assessments.dashboard.tiles``): the sources' tiles
in order, an empty source left out, the fragment for the area page's request and a page of
its own otherwise, the dashboard's scoping (404 out of scope, 403 without a roster role)
and a pinned query count that the panel's sources add to and nothing else."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.dashboard import tiles
from assessments.tests.budgets import BUDGETS
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with

pytestmark = pytest.mark.django_db


def centres_like(user, area):
    """A source answering with one query over the area's subtree."""
    n = Area.objects.filter(parent=area).count()
    return [{"label": "下级区域", "value": f"{n} 个", "url": reverse("organizations:area_index"), "note": "测试"}]


def funds_like(user, area):
    """A source whose list only managing roles may open."""
    return [{"label": "经费", "value": "¥0.00", "url": reverse("funds:allocations"), "note": ""}]


def nothing(user, area):
    return []


SOURCES = (("阵地", f"{__name__}.centres_like"), ("空", f"{__name__}.nothing"))


@pytest.fixture
def sources(monkeypatch):
    monkeypatch.setattr(tiles, "SOURCES", SOURCES)


def test_sections_follow_the_sources_and_leave_out_an_empty_one(city, sources):
    user = user_with(Role.DISTRICT, city.district)
    out = tiles.sections(user, city.street)
    assert [s.title for s in out] == ["阵地"]
    assert out[0].tiles == (tiles.Tile(label="下级区域", value="2 个", url=reverse("organizations:area_index"), note="测试"),)


def test_the_area_page_loads_the_panel_and_the_panel_answers_a_fragment_or_a_page(client, city, sources):
    client.force_login(user_with(Role.DISTRICT, city.district))
    url = reverse("dashboard:network", args=[city.street.pk])
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert 'data-testid="network-panel"' in html and "2 个" in html and "<html" not in html
    page = client.get(url).content.decode()
    assert "<html" in page and "2 个" in page and reverse("dashboard:area", args=[city.street.pk]) in page


def test_an_area_without_records_says_so(client, city, monkeypatch):
    monkeypatch.setattr(tiles, "SOURCES", (("空", f"{__name__}.nothing"),))
    client.force_login(user_with(Role.STREET, city.street))
    html = client.get(reverse("dashboard:network", args=[city.street.pk])).content.decode()
    assert 'data-testid="network-empty"' in html


def test_out_of_scope_is_404_and_a_role_without_the_roster_is_refused(client, city, sources):
    other = build_city()
    client.force_login(user_with(Role.STREET, city.street))
    for area in (other.street, city.district):
        assert client.get(reverse("dashboard:network", args=[area.pk])).status_code == 404
    assert client.get(reverse("dashboard:network", args=[999999])).status_code == 404
    client.force_login(user_with(Role.MEMBER, city.a.area))
    assert client.get(reverse("dashboard:network", args=[city.a.area.pk])).status_code == 403


def test_query_count_is_the_budget_plus_the_sources(client, city, monkeypatch):
    client.force_login(user_with(Role.DISTRICT, city.district))
    url = reverse("dashboard:network", args=[city.district.pk])
    monkeypatch.setattr(tiles, "SOURCES", ())
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as bare:
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    monkeypatch.setattr(tiles, "SOURCES", SOURCES)
    with CaptureQueriesContext(connection) as fed:
        client.get(url, headers={"HX-Request": "true"})
    assert reads(bare) <= BUDGETS["dashboard:network"]
    assert reads(fed) == reads(bare) + 1  # centres_like's one query; the empty source none


def reads(ctx) -> int:
    """The request's queries without the session write-back (SESSION_SAVE_EVERY_REQUEST), as
    the dashboard's budgets count them."""
    return len([q for q in ctx.captured_queries
                if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", 'UPDATE "django_session"'))])


def test_a_tile_links_only_to_a_list_the_user_may_open(city, monkeypatch):
    monkeypatch.setattr(tiles, "SOURCES", (("经费", f"{__name__}.funds_like"),))
    district = tiles.sections(user_with(Role.DISTRICT, city.district), city.street)
    assert district[0].tiles[0].url == reverse("funds:allocations")
    grid = tiles.sections(user_with(Role.GRID, city.a.area), city.a.area)
    assert grid[0].tiles[0].url == "" and grid[0].tiles[0].value == "¥0.00"
