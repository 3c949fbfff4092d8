"""A new branch from a compound's page counts in coverage (issue 14): the organization form
opened from the gap list's 建支部 link (``org_create?area=<compound>``) pre-fills the type
(小区党支部), the superior (the community's organization) and the area, so saving it as
offered turns the compound's "lacking a branch" into "with a branch"; the same for a
building's 建党小组."""
import pytest
from django.urls import reverse

from dangjian.testing import logged_in
from grids.coverage.selectors import compounds_without_branch, coverage
from grids.tests.factories import coverage_world
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


def _post_as_offered(client, url, **typed):
    """Submit the form with the values it was opened with, plus what the user types."""
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(typed)
    return client.post(url, data)


def test_a_branch_started_from_a_compound_is_counted_by_coverage(client, city):
    w = coverage_world(city)
    cadre = user_with(Role.COMMUNITY, w.a.area)
    logged_in(cadre, client)
    before = coverage(w.a.area)
    assert w.p3 in compounds_without_branch(w.a.area)
    url = f"{reverse('organizations:org_create')}?area={w.p3.pk}"
    form = client.get(url).context["form"]
    assert (form["kind"].value(), form["category"].value()) == (OrgKind.BRANCH, OrgCategory.COMPOUND)
    assert (form["parent"].value(), form["area"].value()) == (w.a.committee.pk, w.p3.pk)
    response = _post_as_offered(client, url, name="三期小区党支部", code="P3-BR")
    assert response.status_code == 302, response.context["form"].errors
    org = PartyOrg.objects.get(code="P3-BR")
    assert (org.kind, org.category, org.parent, org.area) == (OrgKind.BRANCH, OrgCategory.COMPOUND, w.a.committee, w.p3)
    after = coverage(w.a.area)
    assert after["compounds_with_branch"] == before["compounds_with_branch"] + 1
    assert w.p3 not in compounds_without_branch(w.a.area)


def test_a_group_started_from_a_building_sits_under_the_compounds_branch(client, city):
    w = coverage_world(city)
    logged_in(user_with(Role.COMMUNITY, w.a.area), client)
    before = coverage(w.a.area)
    url = f"{reverse('organizations:org_create')}?area={w.b22.pk}"  # the second compound's second building
    response = _post_as_offered(client, url, name="二期2号楼党小组", code="B22-G")
    assert response.status_code == 302, response.context["form"].errors
    org = PartyOrg.objects.get(code="B22-G")
    assert (org.kind, org.category, org.parent, org.area) == (OrgKind.GROUP, OrgCategory.BUILDING_GROUP, w.br2, w.b22)
    assert coverage(w.a.area)["buildings_with_group"] == before["buildings_with_group"] + 1


def test_the_superior_offered_is_one_the_user_may_see(client, city):
    """A community cadre opening the form at a compound gets the community's organization,
    never the street's above it (out of their subtree), and a community area pre-fills the
    area only."""
    w = coverage_world(city)
    logged_in(user_with(Role.COMMUNITY, w.a.area), client)
    form = client.get(f"{reverse('organizations:org_create')}?area={w.a.area.pk}").context["form"]
    assert form["area"].value() == w.a.area.pk and not form["parent"].value()
    form = client.get(f"{reverse('organizations:org_create')}?area={w.p3.pk}").context["form"]
    assert form["parent"].value() == w.a.committee.pk != w.street_org.pk
