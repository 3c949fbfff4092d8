"""Imports through the outbox (``dangjian.jobs``), with eager Celery: an upload while the broker
is down is saved and runs when the sweeper sends it; an upload whose job was given up on ends in
an error instead of "pending" for ever."""
from datetime import timedelta

import pytest
from celery import Task
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from dangjian.jobs import sweep
from dangjian.models import Job, JobState
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.imports.choices import ImportStatus
from organizations.imports.models import ImportJob
from organizations.imports.tests.test_import import _upload, area_file
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


def upload(client, city, django_capture_on_commit_callbacks):
    f = area_file([[city.a.compound.code, "W1", "甲8号楼", "楼栋", "", 30, "住宅楼"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organizations:import_start", args=["areas"]), {"file": _upload("楼栋.xlsx", f)})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    return job, Job.objects.get(dedupe_key=f"import:{job.pk}")


def test_an_upload_with_the_broker_down_is_kept_and_imported_later(client, city, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    client.force_login(user_with(Role.COMMUNITY, city.a.area))

    def refuse(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to redis. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    job, outbox = upload(client, city, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.PENDING and outbox.state == JobState.QUEUED
    page = client.get(reverse("organizations:import_job", args=[job.pk])).content.decode()
    assert 'data-testid="awaiting-broker"' in page
    monkeypatch.undo()
    assert sweep(now=timezone.now() + timedelta(minutes=1))["resent"] == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED and Area.objects.filter(code="W1").exists()
    assert Job.objects.get(pk=outbox.pk).state == JobState.DONE


def test_an_upload_whose_job_was_given_up_ends_in_an_error(client, city, settings, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    client.force_login(user_with(Role.COMMUNITY, city.a.area))
    settings.JOBS_MAX_ATTEMPTS = 1
    monkeypatch.setattr(Task, "apply_async", lambda self, *a, **k: None)  # taken, then lost
    job, outbox = upload(client, city, django_capture_on_commit_callbacks)
    assert sweep(now=timezone.now() + timedelta(hours=1))["gave_up"] == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.ERROR and job.finished_at and "重新上传" in job.summary["error"]
    assert not Area.objects.filter(code="W1").exists()
