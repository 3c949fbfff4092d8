"""The receivers behind bound items: every record source the issue names is watched, each
record finds the organizations whose lists it may move (its own and those above), and a
save inside a bulk load (``muted``) enqueues nothing."""
from datetime import date

import pytest
from django.apps import apps
from django.db.models.signals import post_delete, post_save

from assessments.checklists import receivers
from assessments.checklists.tasks import orgs_above
from assessments.checklists.tests.test_bound import _bound, _theme_day
from assessments.checklists.tests.test_support import YEAR, draft, make_world
from dangjian.models import Job

pytestmark = pytest.mark.django_db

NAMED = ("assessments.Activity", "services.ServiceRecord", "services.Wish", "services.ServiceRequest",
         "services.WhistleTarget", "organizations.DuesPayment", "organizations.DuesOrgMonth",
         "organizations.DevelopmentCase", "organizations.DevelopmentStep", "grids.Grid", "grids.GridArea")


@pytest.mark.parametrize("label", NAMED)
def test_every_record_source_is_watched_on_save_and_delete(label):
    model = apps.get_model(label)
    assert label in receivers.WATCHED
    assert post_save.has_listeners(model) and post_delete.has_listeners(model)
    uid = f"checklists.refresh.{label}"
    assert any(uid in str(key) for key, _ref in ((r[0], r[1]) for r in post_save.receivers))


def test_a_record_reaches_its_organization_and_those_above_it():
    w = make_world()
    c = w.city
    above_branch = set(orgs_above(org_id=c.a.branch.pk))
    assert above_branch == {c.a.branch.pk, c.a.committee.pk, c.street_org.pk, c.city_org.pk}
    # a place: the organizations anchored at it or above (a building's wish reaches its compound's branch)
    above_building = set(orgs_above(area_id=c.a.building.pk))
    assert {c.a.group.pk, c.a.branch.pk, c.a.committee.pk, c.street_org.pk} <= above_building
    assert c.b.committee.pk not in above_building and c.b.branch.pk not in above_branch
    assert orgs_above(org_id=10 ** 9) == [] and orgs_above(area_id=10 ** 9) == []


def test_nothing_is_enqueued_inside_a_muted_bulk_load(django_capture_on_commit_callbacks):
    w = make_world()
    checklist = draft(w.city.a.committee, w.a_cadre)
    _bound(w, checklist, target=12)
    with receivers.muted(), django_capture_on_commit_callbacks(execute=True):
        _theme_day(w.city.a.committee, date(YEAR, 1, 1))
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        _theme_day(w.city.a.committee, date(YEAR, 2, 1))
        _theme_day(w.city.a.committee, date(YEAR, 3, 1))  # the same organization: one job (deduplicated)
    assert Job.objects.filter(task_name="assessments.tasks.refresh_checklists_of").count() == 1


def test_a_burst_of_saves_in_one_transaction_is_one_check_and_one_job_per_organization(django_capture_on_commit_callbacks):
    w = make_world()
    checklist = draft(w.city.a.committee, w.a_cadre)
    _bound(w, checklist, target=12)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for month in (1, 2, 3):
            _theme_day(w.city.a.committee, date(YEAR, month, 1))
        _theme_day(w.city.b.committee, date(YEAR, 1, 1))
    assert len([c for c in callbacks if isinstance(c, receivers._Batch)]) == 1
    jobs = Job.objects.filter(task_name="assessments.tasks.refresh_checklists_of")
    assert sorted(j.kwargs["org_id"] for j in jobs) == sorted([w.city.a.committee.pk, w.city.b.committee.pk])
