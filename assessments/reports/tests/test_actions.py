"""The report actions: a new field is defined once and filled once, every later report reads
it; every computed cell is the catalogue's value; names the catalogue or the tree already has
are refused; typed values are checked; the workflow locks, checks and records."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from assessments.figures import catalogue
from assessments.figures.subjects import subjects_within
from assessments.reports import actions, selectors
from assessments.reports.choices import FieldType, ReportStatus
from assessments.reports.models import FieldValue, ReportCell, ReportEvent
from assessments.reports.tests import support as s
from assessments.scoring.tests import test_data as data
from dangjian.errors import PermissionDeniedError, TransitionError
from organizations.tests.factories import build_community

pytestmark = pytest.mark.django_db


def _key(field):
    return actions.entry_name(field.pk, "2026")


def test_a_new_field_is_filled_once_and_reused_by_a_second_report(city):
    w = s.make_world(city)
    field = s.area_field(w)
    first = s.community_report(w, fields=[field])
    a = city.a.area
    asked = selectors.asked_entries(w.a_cadre, org=False, subject_id=a.pk)
    assert [(e["field"], e["key"], e["value"]) for e in asked] == [(field, "2026", None)]
    assert list(selectors.awaiting_fill(w.a_cadre)) == [first]
    actions.field_values_save(actor=w.a_cadre, subject=a, values={_key(field): "820.5"})
    assert FieldValue.objects.get(field=field, area=a, period_key="2026").number == Decimal("820.5")
    assert list(selectors.awaiting_fill(w.a_cadre)) == []

    second = s.community_report(w, name="年中社区阵地统计", figures=("members.count",), fields=[field])
    # the community is not asked again: nothing waits, its cell already holds the value
    assert list(selectors.awaiting_fill(w.a_cadre)) == []
    cell = ReportCell.objects.get(report=second, column__field=field, subject_id=a.pk)
    assert cell.filled and cell.number == Decimal("820.5") and cell.text == "820.5" and cell.filled_by == w.a_cadre
    # the fill page shows one entry, already filled, used by both reports
    entry, = selectors.asked_entries(w.a_cadre, org=False, subject_id=a.pk)
    assert entry["value"].number == Decimal("820.5")
    assert {pk for pk, _name in entry["reports"]} == {first.pk, second.pk}
    assert FieldValue.objects.count() == 1
    # community 乙 is still asked by both
    assert set(selectors.awaiting_fill(w.b_cadre)) == {first, second}


def test_editing_a_value_updates_every_report_asking_it(city):
    w = s.make_world(city)
    field = s.area_field(w)
    first, second = s.community_report(w, fields=[field]), s.community_report(w, name="第二张", fields=[field])
    a = city.a.area
    actions.field_values_save(actor=w.a_cadre, subject=a, values={_key(field): "100"})
    actions.field_values_save(actor=w.a_cadre, subject=a, values={_key(field): "120"})
    texts = set(ReportCell.objects.filter(column__field=field, subject_id=a.pk).values_list("report_id", "text"))
    assert texts == {(first.pk, "120"), (second.pk, "120")}
    assert FieldValue.objects.get().number == 120


def test_a_closed_report_asks_nothing_more(city):
    w = s.make_world(city)
    field = s.area_field(w)
    report = s.community_report(w, fields=[field])
    actions.report_close(actor=w.district, report=report)
    assert selectors.asked_entries(w.a_cadre, org=False, subject_id=city.a.area.pk) == []
    with pytest.raises(TransitionError):
        actions.field_values_save(actor=w.a_cadre, subject=city.a.area, values={_key(field): "1"})


def test_every_computed_cell_equals_the_catalogue(city):
    data.plant_period(city)
    w = s.make_world(city)
    more = build_community(city.street, city.street_org, "丙", 3)
    report = s.community_report(w, period=data.PERIOD)
    subjects = subjects_within(areas=[city.a.area, city.b.area, more.area])
    cells = {(c.column.figure_code, c.subject_id): c for c in ReportCell.objects.filter(report=report).select_related("column")}
    assert len(cells) == 3 * 3
    for code in s.FIGURES:
        figure = catalogue.get(code)
        expected = catalogue.compute(figure, subjects, report.period)
        for subject_id, value in expected.items():
            cell = cells[(code, subject_id)]
            number = catalogue.as_number(value, figure)
            assert (None if cell.number is None else float(cell.number)) == number, (code, subject_id)
            assert cell.text == value.text and cell.url == (value.url or "")
    assert cells[("wishes.fulfilment", city.a.area.pk)].text == "2/3 = 66.7%"
    assert report.__class__.objects.get(pk=report.pk).computed_at is not None


def test_a_field_named_like_a_catalogue_figure_is_refused(city):
    w = s.make_world(city)
    with pytest.raises(ValidationError) as exc:
        s.area_field(w, name="党员人数")
    assert exc.value.message_dict["name"] == ["指标库已有“党员人数”，请直接选用（由业务记录自动计算，无需填报）。"]


def test_a_field_named_like_one_of_the_tree_is_refused_but_another_tree_may_use_the_name(city):
    w = s.make_world(city)
    s.area_field(w)
    with pytest.raises(ValidationError) as exc:  # the street, below the district that defined it
        actions.field_create(actor=w.street, area=city.street, name="社区党群服务中心面积", definition="另一口径")
    assert "元宝区" in exc.value.message_dict["name"][0] and "请直接选用" in exc.value.message_dict["name"][0]
    other = s.make_world()
    assert s.area_field(other).area == other.city.district


@pytest.mark.parametrize(("value_type", "typed", "message"), [
    (FieldType.INTEGER, "12.5", "请填写整数。"),
    (FieldType.INTEGER, "十二", "请填写数字。"),
    (FieldType.DECIMAL, "-3", "不能为负数。"),
    (FieldType.YES_NO, "也许", "请选择“是”或“否”。"),
    (FieldType.CHOICE, "丙", "请从选项中选择：甲、乙。"),
])
def test_typed_values_are_checked_by_the_field_type_and_nothing_is_saved(city, value_type, typed, message):
    w = s.make_world(city)
    good = s.area_field(w, name="好字段", value_type=FieldType.INTEGER)
    bad = s.area_field(w, name="测试字段", value_type=value_type, choices_text="甲\n乙")
    s.community_report(w, fields=[good, bad])
    with pytest.raises(ValidationError) as exc:
        actions.field_values_save(actor=w.a_cadre, subject=city.a.area, values={_key(good): "3", _key(bad): typed})
    assert exc.value.message_dict == {_key(bad): [message]}
    assert not FieldValue.objects.exists()


def test_only_the_subjects_cadre_fills_and_another_community_is_404(city):
    w = s.make_world(city)
    field = s.area_field(w)
    s.community_report(w, fields=[field])
    with pytest.raises(Http404):
        actions.field_values_save(actor=w.b_cadre, subject=city.a.area, values={_key(field): "1"})


def test_a_report_outside_the_definers_subtree_is_refused(city):
    w = s.make_world(city)
    other = s.make_world()
    with pytest.raises(PermissionDeniedError):
        actions.report_create(actor=w.district, name="越界", within=other.city.district, subject_level="community",
                              period_key=s.PERIOD, columns=[{"figure": "members.count"}])
    with pytest.raises(PermissionDeniedError):
        actions.report_create(actor=w.a_cadre, name="社区不能制表", within=city.a.area, subject_level="compound",
                              period_key=s.PERIOD, columns=[{"figure": "members.count"}])


def test_columns_are_checked(city):
    w = s.make_world(city)
    field = s.area_field(w)
    cases = [
        ([], "请至少选择一列"),
        ([{"figure": "members.count"}, {"figure": "members.count"}], "同一列选了两次"),
        ([{"figure": "no.such"}], "指标库中没有所选指标"),
        ([{"field": field}], "与本报表的填报对象不一致"),  # a community field in a compound report
    ]
    for columns, message in cases:
        with pytest.raises(ValidationError) as exc:
            actions.report_create(actor=w.district, name="表", within=city.district, subject_level="compound",
                                  period_key=s.PERIOD, columns=columns)
        assert message in exc.value.message_dict["columns"][0]
    monthly = actions.field_create(actor=w.district, area=city.district, name="月度字段", definition="每月", period_kind="month")
    with pytest.raises(ValidationError) as exc:  # a monthly value cannot stand for a quarter
        s.community_report(w, figures=(), fields=[monthly], publish=False)
    assert "不能用于更短周期" in exc.value.message_dict["columns"][0]


def test_the_workflow_locks_checks_and_records(city):
    w = s.make_world(city)
    report = s.community_report(w, publish=False)
    assert report.status == ReportStatus.DRAFT
    with pytest.raises(TransitionError):
        actions.report_compute(actor=w.district, report=report)
    with pytest.raises(PermissionDeniedError):
        actions.report_publish(actor=w.street, report=report)  # the street sees its district's report, may not publish
    actions.report_publish(actor=w.district, report=report)
    with pytest.raises(TransitionError, match="已发布"):
        actions.report_publish(actor=w.district, report=report)
    with pytest.raises(TransitionError):
        actions.report_update(actor=w.district, report=report, name="改", within=city.district,
                              subject_level="community", period_key=s.PERIOD, columns=[{"figure": "members.count"}])
    actions.report_close(actor=w.district, report=report)
    assert list(ReportEvent.objects.filter(report=report).values_list("from_status", "to_status")) == [
        ("", "draft"), ("draft", "published"), ("published", "closed")]


def test_a_big_report_is_computed_through_the_outbox(city, monkeypatch, django_capture_on_commit_callbacks):
    from dangjian.models import Job

    w = s.make_world(city)
    report = s.community_report(w, publish=False)
    actions.report_publish(actor=w.district, report=report)
    ReportCell.objects.filter(report=report).delete()
    monkeypatch.setattr(actions, "INLINE_CELLS", 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.report_compute(actor=w.district, report=report) == "queued"
        assert report.__class__.objects.get(pk=report.pk).computing_since is not None
    job = Job.objects.get(task_name="assessments.reports.compute")
    assert job.kwargs == {"report_id": report.pk}
    # the eager test broker ran it after the commit: every cell is there
    assert ReportCell.objects.filter(report=report).count() == 2 * 3
    assert report.__class__.objects.get(pk=report.pk).computing_since is None
    assert Job.objects.get(pk=job.pk).state == "done"


def test_a_filter_keeps_the_subjects_of_the_chosen_streets_only(city):
    from organizations.tests.factories import AreaFactory, PartyOrgFactory

    w = s.make_world(city)
    east = AreaFactory(name="东街道", level=city.street.level, parent=city.district, code="S-EAST")
    east_org = PartyOrgFactory(name="东街道党工委", kind=city.street_org.kind, category=city.street_org.category,
                               area=east, parent=city.city_org)
    far = build_community(east, east_org, "远", 1)
    everywhere = s.community_report(w, figures=("members.count",))
    assert set(selectors.subject_nodes(everywhere).values_list("pk", flat=True)) == {
        city.a.area.pk, city.b.area.pk, far.area.pk}
    only_east = actions.report_create(actor=w.district, name="东街道社区表", within=city.district,
                                      subject_level="community", period_key=s.PERIOD,
                                      columns=[{"figure": "members.count"}], only_in=[east])
    assert list(selectors.subject_nodes(only_east)) == [far.area]
    actions.report_publish(actor=w.district, report=only_east)
    assert set(ReportCell.objects.filter(report=only_east).values_list("subject_id", flat=True)) == {far.area.pk}
    with pytest.raises(ValidationError) as exc:  # a filter outside the range
        actions.report_create(actor=w.district, name="越界", within=city.street, subject_level="community",
                              period_key=s.PERIOD, columns=[{"figure": "members.count"}], only_in=[east])
    assert "不在统计范围内" in exc.value.message_dict["only_in"][0]
