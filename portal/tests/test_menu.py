"""The menus are built from the pages' own rules (``portal.menu``, ``dangjian.access``): for
every role of the demo, every link of its main menu, of its user menu and of its home page's
quick links opens (200, after the page's own redirects), and every page of the menu
definition it is not shown answers something else — it is not in its menu because it would
not let the role in."""
import pytest
from django.test import Client
from django.urls import reverse

from dangjian.access import rule_for
from organizations.grants.choices import Role
from organizations.tests.factories import ResidentUnitFactory, UserFactory, user_with
from portal import menu
from services.whistles.models import Department, Responder

pytestmark = pytest.mark.django_db

ROLES = ("admin", "district", "street", "community", "grid", "member", "department", "unit")
CADRES = ("admin", "district", "street", "community", "grid")


def demo_like_user(role, city):
    """A user as ``ensure_demo_accounts`` makes them: one grant at the demo's node; the admin a
    superuser and staff; the member linked to a member record of community 甲; the department
    account a department's responder (as it must be to receive whistles); and ``unit``, a
    resident unit's account made the way ``responder_add`` makes one (no grant)."""
    if role == "admin":
        user = user_with(Role.ADMIN, city.city, "admin")
        user.is_superuser = user.is_staff = True
        user.save()
    elif role == "district":
        user = user_with(Role.DISTRICT, city.city, "district")
    elif role == "street":
        user = user_with(Role.STREET, city.street, "street")
    elif role == "community":
        user = user_with(Role.COMMUNITY, city.a.area, "community")
    elif role == "grid":
        user = user_with(Role.GRID, city.a.compound, "grid")
    elif role == "member":
        user = user_with(Role.MEMBER, city.a.area, "member")
        member = city.a.members[0]
        member.user = user
        member.save(update_fields=["user"])
    elif role == "department":
        user = user_with(Role.DEPARTMENT, city.district, "department")
        Responder.objects.create(user=user, department=Department.objects.create(area=city.district, name="住建局"))
    else:
        user = UserFactory(username="unit")
        unit = ResidentUnitFactory(name="供电所", community=city.a.area)
        Responder.objects.create(user=user, unit=unit)
    return user


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def opened(client, url) -> int:
    """The status of ``url`` after the page's own redirects (a list's index to its page); a
    redirect to a sign-in page (the admin site's, for a user who is not staff) is a refusal."""
    response = client.get(url, follow=True)
    if any("/login/" in hop for hop, _status in response.redirect_chain):
        return 302
    return response.status_code


def shown(client):
    """``(main menu URLs, user menu URLs, quick link URLs)`` of the home page, and its HTML."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    main = [link.url for section in response.context["portal_menu"] for group in section.groups for link in group.links]
    user_menu = [link.url for link in response.context["portal_user_menu"]]
    quick = [link["url"] for link in response.context["links"]]
    return main, user_menu, quick, response.content.decode()


def every_link():
    for section in menu.MAIN:
        for group in section.groups:
            yield from group.links
    yield from menu.USER_MENU


@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_role_is_shown_opens(city, role):
    client = client_of(demo_like_user(role, city))
    main, user_menu, quick, html = shown(client)
    assert main and quick
    for url in dict.fromkeys(main + user_menu + quick):
        assert f'href="{url}"' in html, url
        assert opened(client, url) == 200, f"{role}: {url}"


@pytest.mark.parametrize("role", ROLES)
def test_a_page_not_in_a_roles_menu_does_not_let_it_in(city, role):
    """Each page of the menu definition is in the role's menus exactly when it opens for the role."""
    client = client_of(demo_like_user(role, city))
    main, user_menu, _quick, _html = shown(client)
    in_menu = set(main + user_menu)
    for link in every_link():
        status = opened(client, link.url)
        if link.url in in_menu:
            assert status == 200, f"{role}: {link.url} is in the menu and answers {status}"
        else:
            assert status != 200, f"{role}: {link.url} opens (200) but is not in the menu"


@pytest.mark.parametrize("role", CADRES)
def test_cadres_are_not_shown_the_pages_of_departments_and_members(city, role):
    """The dead links the issue found: a department's inbox and a member's own service page."""
    main, user_menu, quick, _html = shown(client_of(demo_like_user(role, city)))
    for name in ("whistles:inbox", "whistles:my_rates", "reporting:mine"):
        assert reverse(name) not in main + user_menu + quick, name


@pytest.mark.parametrize("role", ("member", "department", "unit", "grid"))
def test_members_departments_and_grid_workers_see_only_their_pages(city, role):
    main, _user_menu, quick, _html = shown(client_of(demo_like_user(role, city)))
    never = {"whistles:rates", "whistles:new", "whistles:departments", "scoring:index", "checklist:index"}
    if role != "grid":  # a grid worker reads the roster, grids, wishes and requests of its grid
        never |= {"requests:list", "services:wish_list", "requests:team_list", "assessments:compliance_index",
                  "assessments:inactive", "grids:grid_list"}
    for name in never:
        assert reverse(name) not in main + quick, f"{role}: {name}"
    mine = {
        "member": ("services:wish_wall", "services:my_claims", "requests:my_tasks", "reporting:mine"),
        "department": ("whistles:inbox", "whistles:my_rates", "whistles:list"),
        "unit": ("whistles:inbox", "whistles:my_rates"),
        "grid": ("grids:diary_list", "requests:my_tasks", "organizations:member_list"),
    }[role]
    for name in mine:
        assert reverse(name) in main, f"{role}: {name}"


def test_the_api_docs_are_in_the_staff_user_menu_only(city, settings):
    settings.API_DOCS_PUBLIC = False
    docs = reverse("api-docs")
    main, user_menu, _quick, _html = shown(client_of(demo_like_user("admin", city)))
    assert docs in user_menu and docs not in main and reverse("admin:index") in user_menu
    main, user_menu, _quick, html = shown(client_of(demo_like_user("district", city)))
    assert docs not in main + user_menu and f'href="{docs}"' not in html
    settings.API_DOCS_PUBLIC = True  # development: the docs are open, so the link is there
    _main, user_menu, _quick, _html = shown(client_of(demo_like_user("community", city)))
    assert docs in user_menu


def test_every_entry_of_the_menu_names_a_page_that_declares_its_rule():
    for link in every_link():
        if link.rule is None:
            assert callable(rule_for(link.url_name, link.args)), link.url_name
    by_name = {link.url_name for link in every_link()}
    assert set(menu.QUICK) <= by_name


def test_the_menu_costs_no_query_of_its_own(city):
    """The rules read the request's scope (roles and user facts): rendering the menus adds no
    query to the one that reads the scope."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.scoping import get_scope

    for role in ROLES:
        user = type(demo_like_user(role, city)).objects.get(username=role)
        get_scope(user)
        with CaptureQueriesContext(connection) as ctx:
            menu.main_menu(user)
            menu.user_menu(user)
        assert len(ctx.captured_queries) == 0, (role, ctx.captured_queries)


def test_the_current_page_is_marked_in_the_menu(city):
    client = client_of(demo_like_user("community", city))
    html = client.get(reverse("grids:diary_list")).content.decode()
    assert f'class="dropdown-item active" href="{reverse("grids:diary_list")}" aria-current="page"' in html
