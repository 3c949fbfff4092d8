"""Django admin for grids: pages open, coverage conflicts are refused, grants follow."""
import pytest
from django.urls import reverse

from dangjian.models import AuditEvent
from grids.diary.models import DiaryEntry
from grids.grids.models import Grid, GridArea
from grids.teams import actions
from grids.teams.choices import TeamRole
from grids.tests.factories import DiaryEntryFactory, coverage_world
from organizations.grants.models import Grant
from organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    return coverage_world(city)


def inline_post(grid, places):
    """The change form's POST with the coverage inline holding ``places``."""
    data = {
        "community": grid.community_id, "code": grid.code, "name": grid.name, "party_branch": grid.party_branch_id or "",
        "description": grid.description,
        "coverage-MIN_NUM_FORMS": "0", "coverage-MAX_NUM_FORMS": "1000",
        "team-TOTAL_FORMS": "0", "team-INITIAL_FORMS": "0", "team-MIN_NUM_FORMS": "0", "team-MAX_NUM_FORMS": "1000",
    }
    existing = list(GridArea.objects.filter(grid=grid))
    data["coverage-TOTAL_FORMS"] = str(len(existing) + len(places))
    data["coverage-INITIAL_FORMS"] = str(len(existing))
    for i, cover in enumerate(existing):
        data.update({f"coverage-{i}-id": cover.pk, f"coverage-{i}-grid": grid.pk, f"coverage-{i}-area": cover.area_id})
    for j, place in enumerate(places, start=len(existing)):
        data.update({f"coverage-{j}-grid": grid.pk, f"coverage-{j}-area": place.pk})
    return data


def test_grid_and_diary_pages_open(admin_client, world):
    DiaryEntryFactory(grid=world.g1)
    for model in (Grid, DiaryEntry):
        assert admin_client.get(reverse(f"admin:grids_{model._meta.model_name}_changelist")).status_code == 200
    response = admin_client.get(reverse("admin:grids_grid_change", args=[world.g1.pk]))
    assert response.status_code == 200 and "甲小区" in response.content.decode()


def test_admin_refuses_a_coverage_conflict(admin_client, world):
    url = reverse("admin:grids_grid_change", args=[world.g2.pk])
    response = admin_client.post(url, inline_post(world.g2, [world.a.building]))
    assert response.status_code == 200
    assert "已属于网格“甲小区网格”" in response.content.decode()
    assert not GridArea.objects.filter(grid=world.g2, area=world.a.building).exists()


def test_admin_coverage_change_brings_team_grants_in_step(admin_client, world):
    worker = UserFactory()
    actions.team_member_add(actor=admin_client.user, grid=world.g2, role=TeamRole.WORKER, user=worker)
    url = reverse("admin:grids_grid_change", args=[world.g2.pk])
    response = admin_client.post(url, inline_post(world.g2, [world.p3]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(Grant.objects.filter(user=worker, is_active=True).values_list("area_id", flat=True)) == {world.b21.pk, world.p3.pk}
    assert AuditEvent.objects.filter(verb="admin.grid.update", target_id=str(world.g2.pk)).exists()
