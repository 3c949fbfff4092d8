"""Checklist items that read the records (issue 16): a bound item's progress follows the
records through the real receivers and the eager outbox; the frequency figure at month
edges; every named source bindable; the refusals; a manual item left alone; set-based
refresh; the pages and the API."""
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.checklists import actions, selectors
from assessments.checklists.choices import ItemKind, ItemStatus
from assessments.checklists.models import ChecklistEvent, ChecklistItem
from assessments.checklists.tasks import refresh_checklists_nightly
from assessments.checklists.tests.test_support import TODAY, YEAR, draft, make_world
from assessments.figures import catalogue
from assessments.figures.catalogue import ALL_AREAS
from assessments.figures.subjects import subjects_within
from assessments.life import schedule
from assessments.scoring import periods
from assessments.tests.budgets import BUDGETS
from assessments.tests.factories import ActivityFactory, activity_type, at
from dangjian.errors import TransitionError
from dangjian.models import Job
from dangjian.testing import count_queries, logged_in, race, requires_postgres
from organizations.tests.factories import build_city

pytestmark = pytest.mark.django_db

REFRESH_JOB = "assessments.tasks.refresh_checklists_of"
THEME = {"type": "theme_party_day"}


@pytest.fixture
def w():
    return make_world()


def _approve(w, checklist):
    actions.checklist_submit(actor=w.a_cadre, checklist=checklist)
    return actions.checklist_approve(actor=w.street, checklist=checklist)


def _bound(w, checklist, *, figure="life.months_held", params=THEME, target=3, title="每月开展主题党日"):
    return actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.ASSESSMENT, title=title,
                                      due_on=date(checklist.year, 12, 31), figure=figure, figure_params=params,
                                      target=target)


def _theme_day(org, day, hour=9, minute=0):
    starts = datetime.combine(day, datetime.min.time().replace(hour=hour, minute=minute), tzinfo=schedule.SHANGHAI)
    return ActivityFactory(org=org, activity_type=activity_type("theme_party_day"), starts_at=starts)


# ------------------------------------------------------------- progress follows the records
def test_a_bound_item_completes_with_the_records_and_reopens_when_one_is_deleted(w, django_capture_on_commit_callbacks):
    """The issue's test: create the activities, see it complete; delete one, see it reopen —
    through the receivers (post_save/post_delete of Activity), the outbox job and the eager
    worker, never a call to refresh by hand."""
    months = min(TODAY.month, 3)
    checklist = draft(w.city.a.committee, w.a_cadre)
    item = _bound(w, checklist, target=months)
    _approve(w, checklist)
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN and item.progress == 0 and item.computed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        # held by the compound branch under the committee: the committee's month too
        held = [_theme_day(w.city.a.branch, date(YEAR, m, 1)) for m in range(1, months + 1)]
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.progress == months, (item.progress, item.progress_text)
    assert item.completed_at is not None and "系统根据业务记录" in item.evidence_note
    done = ChecklistEvent.objects.get(item=item, action="item_complete")
    assert done.actor is None and done.to_status == ItemStatus.DONE and "系统根据业务记录" in done.note
    jobs = Job.objects.filter(task_name=REFRESH_JOB)
    assert jobs.count() >= 1 and all(j.state == "done" for j in jobs)

    with django_capture_on_commit_callbacks(execute=True):
        held[-1].delete()
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN and item.progress == months - 1 and item.completed_at is None
    reopened = ChecklistEvent.objects.get(item=item, action="item_reopen")
    assert reopened.actor is None and reopened.from_status == ItemStatus.DONE


def test_another_communitys_records_do_not_move_the_item(w, django_capture_on_commit_callbacks):
    checklist = draft(w.city.a.committee, w.a_cadre)
    item = _bound(w, checklist, target=1)
    _approve(w, checklist)
    with django_capture_on_commit_callbacks(execute=True):
        _theme_day(w.city.b.branch, date(YEAR, 1, 1))
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN and item.progress == 0


def test_no_job_is_enqueued_while_no_item_is_bound(w, django_capture_on_commit_callbacks):
    draft(w.city.a.committee, w.a_cadre)
    with django_capture_on_commit_callbacks(execute=True):
        _theme_day(w.city.a.branch, date(YEAR, 1, 1))
    assert not Job.objects.filter(task_name=REFRESH_JOB).exists()


def test_a_manual_item_never_changes_by_itself(w, django_capture_on_commit_callbacks):
    checklist = draft(w.city.a.committee, w.a_cadre)
    _bound(w, checklist, target=1)  # so the receivers do enqueue
    manual = actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.ASSESSMENT,
                                        title="每月开展主题党日（手工）", due_on=date(YEAR, 12, 31))
    _approve(w, checklist)
    with django_capture_on_commit_callbacks(execute=True):
        _theme_day(w.city.a.committee, date(YEAR, 1, 1))
    refresh_checklists_nightly()
    manual.refresh_from_db()
    assert manual.status == ItemStatus.OPEN and manual.progress is None and manual.computed_at is None
    assert not ChecklistEvent.objects.filter(item=manual).exclude(action="item_add").exists()


def test_a_bound_item_is_not_completed_or_reported_by_hand(w):
    checklist = draft(w.city.a.committee, w.a_cadre)
    item = _bound(w, checklist)
    _approve(w, checklist)
    with pytest.raises(TransitionError, match="由业务记录自动计算"):
        actions.item_complete(actor=w.a_cadre, item=item, note="已完成")
    with pytest.raises(TransitionError, match="由业务记录自动计算"):
        actions.item_progress(actor=w.a_cadre, item=item, note="进展")
    client = logged_in(w.a_cadre)
    page = client.get(reverse("checklist:detail", args=[checklist.pk]) + "?tab=assessment").content.decode()
    assert "由业务记录自动计算" in page and 'data-testid="auto-item"' in page
    assert reverse("checklist:item_finish", args=[item.pk]) not in page
    response = client.get(reverse("checklist:item_finish", args=[item.pk]))
    assert response.status_code == 302  # no complete form for a bound item


# ------------------------------------------------------------------- the frequency figure
def test_months_held_counts_shanghai_months_once_each_and_unions_the_subtree():
    c = build_city()
    _theme_day(c.a.branch, date(2026, 1, 31), 23, 59)      # January
    _theme_day(c.a.branch, date(2026, 2, 28), 23, 30)      # February (15:30 UTC)
    _theme_day(c.a.branch, date(2026, 2, 3))               # February again: still one month
    _theme_day(c.a.committee, date(2026, 3, 1), 0, 30)     # March, though 28 February in UTC
    _theme_day(c.a.committee, date(2026, 4, 1), 0, 10)     # April: outside the quarter (31 March in UTC)
    ActivityFactory(org=c.a.committee, activity_type=activity_type("party_lecture"), starts_at=at(date(2026, 2, 10)))
    _theme_day(c.b.committee, date(2026, 2, 10))           # another community
    figure = catalogue.with_params(catalogue.get("life.months_held"), THEME)
    quarter = periods.parse("2026-Q1")
    values = catalogue.compute(figure, subjects_within(orgs=[c.a.committee, c.a.branch, c.b.committee]), quarter)
    assert values[c.a.branch.pk].value == 2          # January, February
    assert values[c.a.committee.pk].value == 3       # its own March + the branch's two months, not 4 activities
    assert values[c.b.committee.pk].value == 1
    assert "theme_party_day" not in catalogue.get("life.months_held").params  # the catalogue's figure is unchanged
    areas = catalogue.compute(figure, subjects_within(areas=[c.a.area, c.b.area]), quarter)
    assert areas[c.a.area.pk].value == 3 and areas[c.b.area.pk].value == 1
    april = catalogue.compute(figure, subjects_within(orgs=[c.a.committee]), periods.parse("2026-04"))
    assert april[c.a.committee.pk].value == 1


# -------------------------------------------------------------- every named source bindable
NAMED_SOURCES = [
    ("life.months_held", THEME, 12),                       # organizational life of a type and frequency
    ("life.activities", THEME, 12),
    ("life.activities.party_lecture", {}, 4),
    ("ledger.hours_average", {}, 50),                      # service hours against a target
    ("ledger.hours_total", {}, 500),
    ("wishes.fulfilment", {}, 90),                         # wishes handled
    ("requests.handled", {}, 90),                          # requests handled
    ("whistles.on_time", {}, 90),                          # whistles answered within deadline
    ("grids.compounds_gridded", {}, 100),                  # grid and branch coverage
    ("grids.compounds_with_branch", {}, 100),
    ("grids.grids_with_branch", {}, 100),
    ("dues.paid", {}, 100),                                # dues paid
    ("development.on_time", {}, 100),                      # development steps on time
]


@pytest.mark.parametrize("code,params,target", NAMED_SOURCES)
def test_each_source_the_issue_names_is_bindable(w, code, params, target):
    checklist = draft(w.city.a.committee, w.a_cadre)
    item = _bound(w, checklist, figure=code, params=params, target=target, title=code)
    assert code in {f.code for f in actions.bindable_figures()}
    assert item.figure == code and item.figure_params == params and item.target == Decimal(target)
    assert item.computed_at is not None and item.progress_text


def test_service_hours_against_a_target_follow_the_service_ledger(w, django_capture_on_commit_callbacks):
    from services.ledger.models import ServiceRecord

    member = w.city.a.members[0]
    checklist = draft(w.city.a.committee, w.a_cadre)
    item = _bound(w, checklist, figure="ledger.hours_total", params={}, target=50, title="党员志愿服务")
    _approve(w, checklist)
    with django_capture_on_commit_callbacks(execute=True):
        ServiceRecord.objects.create(member=member, source="wish", source_id=1, occurred_on=TODAY, hours=Decimal("30"))
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN and item.progress == Decimal("30.0") and item.progress_percent == 60
    with django_capture_on_commit_callbacks(execute=True):
        ServiceRecord.objects.create(member=member, source="wish", source_id=2, occurred_on=TODAY, hours=Decimal("25"))
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.progress == Decimal("55.0")


# ------------------------------------------------------------------------------ refusals
def _refused(w, checklist, field, **kwargs):
    with pytest.raises(ValidationError) as caught:
        _bound(w, checklist, **kwargs)
    return caught.value.message_dict[field][0]


def test_the_binding_refuses_unknown_area_only_and_targetless_figures(w, monkeypatch):
    checklist = draft(w.city.a.committee, w.a_cadre)
    assert "指标库中没有" in _refused(w, checklist, "figure", figure="life.no_such_figure")
    area_only = replace(catalogue.get("wishes.fulfilment"), code="test.area_only", levels=ALL_AREAS)
    monkeypatch.setitem(catalogue.CATALOGUE, "test.area_only", area_only)
    assert "不适用于党组织" in _refused(w, checklist, "figure", figure="test.area_only", params={})
    assert "由清单本身计算" in _refused(w, checklist, "figure", figure="checklists.completion", params={})
    assert "须填写目标值" in _refused(w, checklist, "target", target=None)
    assert "不能超过 100" in _refused(w, checklist, "target", figure="dues.paid", params={}, target=120)
    assert "须选择活动类型" in _refused(w, checklist, "figure_params", params={})
    assert "没有“nope”这种活动类型" in _refused(w, checklist, "figure_params", params={"type": "nope"})
    problem = actions.checklist_item_add(actor=w.a_cadre, checklist=checklist, kind=ItemKind.PROBLEM, title="问题",
                                         source="monthly")
    with pytest.raises(ValidationError, match="只有责任清单和考核清单"):
        actions.checklist_item_update(actor=w.a_cadre, item=problem, figure="dues.paid", target=90)
    assert not ChecklistItem.objects.filter(checklist=checklist).exclude(figure="").exists()


def test_the_item_form_offers_the_figures_and_keeps_what_was_typed_on_error(w):
    checklist = draft(w.city.a.committee, w.a_cadre)
    client = logged_in(w.a_cadre)
    add = reverse("checklist:item_add", args=[checklist.pk]) + "?kind=assessment"
    page = client.get(add).content.decode()
    assert 'name="figure"' in page and 'value="life.months_held"' in page and 'name="activity_type"' in page
    assert 'value="theme_party_day"' in page  # an activity-type select, not a typed code
    assert 'value="checklists.completion"' not in page
    assert catalogue.get("life.months_held").definition in page  # the definitions are shown
    response = client.post(add, {"kind": "assessment", "title": "每月开展主题党日", "due_on": f"{YEAR}-12-31",
                                 "figure": "life.months_held", "activity_type": "theme_party_day", "target": ""})
    body = response.content.decode()
    assert response.status_code == 200 and "须填写目标值" in body and "每月开展主题党日" in body
    response = client.post(add, {"kind": "assessment", "title": "每月开展主题党日", "due_on": f"{YEAR}-12-31",
                                 "figure": "life.months_held", "activity_type": "", "target": "12"})
    assert response.status_code == 200 and "须选择活动类型" in response.content.decode()
    response = client.post(add, {"kind": "assessment", "title": "每月开展主题党日", "due_on": f"{YEAR}-12-31",
                                 "figure": "life.months_held", "activity_type": "theme_party_day", "target": "12"})
    assert response.status_code == 302
    item = ChecklistItem.objects.get(checklist=checklist, title="每月开展主题党日")
    assert item.figure_params == THEME and item.target == 12 and item.computed_at is not None


# ------------------------------------------------------------------------ refresh and pages
def test_refresh_costs_the_same_queries_for_few_items_or_many_per_figure_group():
    def world(n_orgs):
        c = build_city()
        orgs = [c.a.committee, c.a.branch, c.b.committee, c.b.branch][:n_orgs]
        ids = []
        for org in orgs:
            checklist = ChecklistItem.checklist.field.related_model.objects.create(org=org, year=YEAR)
            ids.append(checklist.pk)
            for code, params in (("life.months_held", THEME), ("dues.paid", {})):
                ChecklistItem.objects.create(checklist=checklist, kind=ItemKind.ASSESSMENT, title=code, figure=code,
                                             figure_params=params, target=Decimal(10))
        return ids

    few, many = world(2), world(4)
    q_few = count_queries(lambda: actions.checklist_items_refresh(checklist_ids=few))
    q_many = count_queries(lambda: actions.checklist_items_refresh(checklist_ids=many))
    assert q_few == q_many <= BUDGETS["assessments.checklists.actions.checklist_items_refresh"], (q_few, q_many)
    assert ChecklistItem.objects.filter(checklist_id__in=many, computed_at__isnull=False).count() == 8


def test_the_list_page_shows_progress_and_evidence_in_the_same_queries_for_few_or_many_bound_items(w):
    checklist = draft(w.city.a.committee, w.a_cadre)
    _theme_day(w.city.a.branch, date(YEAR, 1, 1))
    _bound(w, checklist, target=12)
    client = logged_in(w.a_cadre)
    page_url = reverse("checklist:detail", args=[checklist.pk]) + "?tab=assessment"
    few = count_queries(lambda: client.get(page_url))
    page = client.get(page_url).content.decode()
    assert 'data-testid="bound-progress"' in page and "主题党日" in page and 'data-testid="progress-target">12' in page
    assert 'data-testid="refresh-items"' in page and "计算于" in page and "有活动的月数 1" in page  # the counts, in words
    item = ChecklistItem.objects.get(checklist=checklist, figure="life.months_held")
    assert item.progress_url and item.progress_url.replace("&", "&amp;") in page
    for i in range(6):
        _bound(w, checklist, figure=NAMED_SOURCES[i][0], params=NAMED_SOURCES[i][1], target=NAMED_SOURCES[i][2],
               title=f"事项{i}")
    many = count_queries(lambda: client.get(page_url))
    assert few == many <= BUDGETS["checklist:detail:bound"], (few, many)


def test_the_refresh_button_recomputes_for_the_owner_only(w):
    checklist = draft(w.city.a.committee, w.a_cadre)
    item = _bound(w, checklist, target=12)
    _theme_day(w.city.a.committee, date(YEAR, 1, 1))  # a record no receiver saw (no commit in this test)
    ChecklistItem.objects.filter(pk=item.pk).update(progress=None, computed_at=None)
    refresh = reverse("checklist:refresh", args=[checklist.pk])
    assert logged_in(w.grid).post(refresh).status_code == 403  # sees the list, does not write it
    assert logged_in(w.a_cadre).post(refresh).status_code == 302
    item.refresh_from_db()
    assert item.progress == 1 and item.computed_at is not None


def test_the_nightly_job_refreshes_every_bound_item_of_the_year(w):
    checklist = draft(w.city.a.committee, w.a_cadre)
    item = _bound(w, checklist, target=12)
    _theme_day(w.city.a.committee, date(YEAR, 1, 1))
    refresh_checklists_nightly()
    item.refresh_from_db()
    assert item.progress == 1


def test_the_api_shows_the_progress_fields_read_only(w):
    checklist = draft(w.city.a.committee, w.a_cadre)
    _theme_day(w.city.a.committee, date(YEAR, 1, 1))
    item = _bound(w, checklist, target=12)
    client = logged_in(w.a_cadre)
    api = f"/api/checklist-items/{item.pk}/"
    data = client.get(api).json()
    assert data["figure"] == "life.months_held" and data["figure_params"] == THEME
    assert Decimal(data["target"]) == 12 and Decimal(data["progress"]) == 1 and data["computed_at"]
    assert data["progress_text"] and data["progress_url"] and data["records"] == []
    client.patch(api, {"progress": "12", "progress_text": "手填", "title": "每月开展主题党日"}, content_type="application/json")
    item.refresh_from_db()
    assert item.progress == 1 and item.progress_text != "手填"


# ---------------------------------------------------------------------------- burden meter
def test_burden_derived_counts_the_bound_items_computed_in_the_window_per_community(w):
    a_list = draft(w.city.a.committee, w.a_cadre)
    _bound(w, a_list, target=12)
    _bound(w, a_list, figure="dues.paid", params={}, target=100)
    branch_list = ChecklistItem.checklist.field.related_model.objects.create(org=w.city.a.branch, year=YEAR)
    ChecklistItem.objects.create(checklist=branch_list, kind=ItemKind.ASSESSMENT, title="x", figure="dues.paid",
                                 target=100)
    ChecklistItem.objects.create(checklist=branch_list, kind=ItemKind.ASSESSMENT, title="手工")  # manual: not counted
    actions.checklist_items_refresh(checklist_ids=[branch_list.pk])
    now = timezone.now()
    window = {"start": now - timedelta(hours=1), "end": now + timedelta(hours=1)}
    counts = selectors.burden_derived(**window, communities=[w.city.a.area, w.city.b.area.pk])
    assert counts == {w.city.a.area.pk: 3, w.city.b.area.pk: 0}
    later = selectors.burden_derived(start=now + timedelta(hours=1), end=now + timedelta(hours=2),
                                     communities=[w.city.a.area])
    assert later == {w.city.a.area.pk: 0}
    assert count_queries(lambda: selectors.burden_derived(**window, communities=[w.city.a.area, w.city.b.area])) <= 2
    # the burden meter's calling convention: dates, [start, end) in Asia/Shanghai
    today = timezone.localdate()
    assert selectors.burden_derived(start=today, end=today + timedelta(days=1), communities=[w.city.a.area]) == {
        w.city.a.area.pk: 3}
    assert selectors.burden_derived(start=today + timedelta(days=1), end=today + timedelta(days=2),
                                    communities=[w.city.a.area]) == {w.city.a.area.pk: 0}
    # the burden meter reads the same items among its united rows (assessments.burden.sources)
    from assessments.burden import selectors as burden

    row, = burden.meter_rows([w.city.a.area], [today.replace(day=1)])
    assert row.derived.get("checklists") == 3


def test_the_api_binds_an_item_and_refuses_a_bad_binding_with_chinese_field_errors(w):
    checklist = draft(w.city.a.committee, w.a_cadre)
    client = logged_in(w.a_cadre)
    body = {"checklist": checklist.pk, "kind": "assessment", "title": "每月开展主题党日", "due_on": f"{YEAR}-12-31",
            "figure": "life.months_held", "figure_params": THEME}
    refused = client.post("/api/checklist-items/", body, content_type="application/json")
    assert refused.status_code == 400 and "须填写目标值" in str(refused.json())
    unknown = client.post("/api/checklist-items/", {**body, "figure": "logins.count", "target": 12},
                          content_type="application/json")
    assert unknown.status_code == 400 and "指标库中没有" in str(unknown.json())
    made = client.post("/api/checklist-items/", {**body, "target": "12"}, content_type="application/json")
    assert made.status_code == 201, made.json()
    assert made.json()["figure"] == "life.months_held" and made.json()["computed_at"]


# ---------------------------------------------------------------------------------- race
@requires_postgres("the records' refresh locks the lists and the items (select_for_update)")
@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_complete_the_item_once():
    w = make_world("bound-race-")
    checklist = draft(w.city.a.committee, w.a_cadre)
    item = _bound(w, checklist, target=1)
    _approve(w, checklist)
    _theme_day(w.city.a.committee, date(YEAR, 1, 1))  # its receiver job completes the item at once: put it back
    ChecklistItem.objects.filter(pk=item.pk).update(status=ItemStatus.OPEN, completed_at=None)
    before = ChecklistEvent.objects.filter(item=item, action="item_complete").count()
    outcomes = race(lambda step: step(), [
        lambda: actions.checklist_items_refresh(checklist_ids=[checklist.pk]),
        lambda: actions.checklist_items_refresh(checklist_ids=[checklist.pk]),
    ])
    assert not outcomes.errors, outcomes.errors
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE
    assert ChecklistEvent.objects.filter(item=item, action="item_complete").count() == before + 1


def test_the_admin_shows_a_bound_items_source_and_progress_read_only(w, admin_client):
    checklist = draft(w.city.a.committee, w.a_cadre)
    _bound(w, checklist, target=12)
    html = admin_client.get(reverse("admin:assessments_checklist_change", args=[checklist.pk])).content.decode()
    assert "life.months_held" in html and 'name="items-0-figure"' not in html


def test_refresh_by_a_person_is_audited_but_the_status_change_is_the_systems(w):
    from dangjian.models import AuditEvent

    checklist = draft(w.city.a.committee, w.a_cadre)
    item = _bound(w, checklist, target=1)
    _approve(w, checklist)
    _theme_day(w.city.a.committee, date(YEAR, 1, 1))  # no commit here: no receiver job
    assert logged_in(w.a_cadre).post(reverse("checklist:refresh", args=[checklist.pk])).status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE
    assert ChecklistEvent.objects.get(item=item, action="item_complete").actor is None
    assert AuditEvent.objects.filter(verb="checklist.items_refresh", actor=w.a_cadre).count() == 1
