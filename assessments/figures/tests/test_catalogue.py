"""The catalogue of computed figures: one definition per figure, shared by rubric indicators,
checklist items and reports; computed for a few subjects inside one subtree from that
subtree's records only; refusing any figure built on logins, clicks, likes or time online."""
from dataclasses import replace
from datetime import timedelta

import pytest

from assessments.figures import catalogue
from assessments.figures.catalogue import CatalogueError, Figure
from assessments.figures.choices import COUNT_ACTIVITIES, FigureLevel, Measure
from assessments.figures.subjects import subjects_within
from assessments.life.models import Activity
from assessments.scoring import periods
from assessments.scoring.choices import IndicatorSource
from assessments.scoring.models import Indicator
from assessments.scoring.rubrics import ensure_default_rubrics
from assessments.scoring.tests import test_data as data
from dangjian.testing import count_queries
from organizations.members.models import Member
from organizations.members.places import anchored_q
from organizations.tests.factories import build_community

QUARTER = periods.parse(data.PERIOD)


def _figure(**changes):
    base = Figure("test.activities", "测试活动次数", "定义", "组织生活活动记录", ("life.Activity",), COUNT_ACTIVITIES,
                  measure=Measure.COUNT, unit="次", part="count", counts="activities")
    return replace(base, **changes)


@pytest.mark.parametrize("changes", [
    {"basis": ("accounts.LoginAttempt",)},
    {"basis": ("life.Activity", "sessions.Session")},
    {"counts": "clicks"},
    {"counts": "time_online"},
    {"part": "likes"},
    {"params": {"page_views": 1}},
])
def test_the_catalogue_refuses_a_figure_built_on_logins_clicks_likes_or_time_online(changes):
    with pytest.raises(CatalogueError, match="登录、点击、点赞或在线时长"):
        catalogue.register(_figure(**changes))
    assert "test.activities" not in catalogue.CATALOGUE


def test_the_catalogue_refuses_a_figure_without_records_or_twice_the_same_code():
    with pytest.raises(CatalogueError, match="没有说明依据"):
        catalogue.register(_figure(basis=()))
    with pytest.raises(CatalogueError, match="重复"):
        catalogue.register(_figure(code="life.compliance"))
    with pytest.raises(CatalogueError, match="分子和分母"):
        catalogue.register(_figure(code="test.ratio", measure=Measure.RATIO, part=""))


def test_every_figure_states_its_definition_records_and_levels():
    for figure in catalogue.CATALOGUE.values():
        assert figure.name and figure.definition and figure.source_text and figure.basis, figure.code
        assert figure.levels and set(figure.levels) <= set(FigureLevel.values), figure.code
        assert not set(figure.basis) & catalogue.FORBIDDEN_BASIS


@pytest.mark.django_db
def test_every_computed_rubric_indicator_is_a_figure_of_the_catalogue():
    ensure_default_rubrics()
    for indicator in Indicator.objects.exclude(source=IndicatorSource.MANUAL):
        figure = catalogue.for_indicator(indicator)
        assert figure is not None and figure.source == indicator.source, indicator.code
    assert {s for s in IndicatorSource.values if s != IndicatorSource.MANUAL} <= {f.source for f in catalogue.CATALOGUE.values()}


@pytest.mark.django_db
def test_a_community_figures_equal_the_scoring_lines_of_the_same_records(city):
    """The wuhao rubric's lines (test_engine) and the catalogue read the same records the same way."""
    data.plant_period(city)
    subjects = subjects_within(areas=[city.a.area, city.b.area])
    values = {code: catalogue.compute(catalogue.get(code), subjects, QUARTER) for code in
              ("wishes.fulfilment", "life.compliance", "reporting.rate", "checklists.completion")}
    a = city.a.area.pk
    assert values["wishes.fulfilment"][a].text == "2/3 = 66.7%"
    assert values["wishes.fulfilment"][a].url == f"/services/wishes/?community={a}"
    assert values["life.compliance"][a].text == "2/2 = 100.0%"
    assert values["reporting.rate"][a].text == "1/2 = 50.0%"
    assert values["checklists.completion"][a].text == "1/2 = 50.0%"
    assert values["wishes.fulfilment"][city.b.area.pk].text == "0/1 = 0.0%"


@pytest.mark.django_db
def test_a_subtree_reads_its_own_records_only(city):
    """Subjects inside one street read that street's records: a community of another street
    with the same activities does not count."""
    from organizations.tests.factories import AreaFactory, PartyOrgFactory

    data.plant_period(city)
    other_street = AreaFactory(name="别的街道", level=city.street.level, parent=city.district, code="S-OTHER")
    other_org = PartyOrgFactory(name="别的街道党工委", kind=city.street_org.kind, category=city.street_org.category,
                                area=other_street, parent=city.city_org)
    other = build_community(other_street, other_org, "丙", 3)
    data.compliant(other.branch)
    figure = catalogue.get("life.activities")
    mine = catalogue.compute(figure, subjects_within(orgs=[city.a.branch]), QUARTER)[city.a.branch.pk]
    theirs = catalogue.compute(figure, subjects_within(orgs=[other.branch]), QUARTER)[other.branch.pk]
    first, after = data.moment(data.START, 0), data.moment(data.END + timedelta(days=1), 0)
    held = Activity.objects.filter(starts_at__gte=first, starts_at__lt=after)
    assert mine.value == held.filter(org__in=[city.a.branch, city.a.group]).count() > 0  # the branch and its group
    assert theirs.value == held.filter(org=other.branch).count() > 0
    both = catalogue.compute(figure, subjects_within(orgs=[city.a.branch, other.branch]), QUARTER)
    assert both[city.a.branch.pk].value == mine.value and both[other.branch.pk].value == theirs.value


@pytest.mark.django_db
def test_the_member_count_is_the_roster_count(city):
    subjects = subjects_within(areas=[city.a.area, city.b.area])
    values = catalogue.compute(catalogue.get("members.count"), subjects, QUARTER)
    residing = catalogue.compute(catalogue.get("members.residing"), subjects, QUARTER)
    for community in (city.a, city.b):
        place = community.area
        assert values[place.pk].value == Member.objects.current().filter(anchored_q(place)).count() > 0
        assert residing[place.pk].value == Member.objects.residing_within(place).current().count() > 0


@pytest.mark.django_db
def test_computing_costs_the_same_queries_for_two_subjects_or_twenty(city):
    codes = ("life.compliance", "wishes.fulfilment", "members.count", "dues.paid", "life.activities.theme_party_day")

    def compute_all(areas):
        subjects = subjects_within(areas=areas)
        for code in codes:
            catalogue.compute(catalogue.get(code), subjects, QUARTER)

    small = count_queries(lambda: compute_all([city.a.area, city.b.area]))
    more = [build_community(city.street, city.street_org, f"社区{i}", 2) for i in range(18)]
    large = count_queries(lambda: compute_all([city.a.area, city.b.area, *(c.area for c in more)]))
    assert large == small


@pytest.mark.django_db
def test_the_member_count_is_the_statistical_tables_total(city):
    """党员人数 in a report and the 党内统计 tables of the same area are one figure."""
    from django.utils import timezone

    from organizations.statistics import selectors as statistics

    today = timezone.localdate()
    for area in (city.a.area, city.b.area):
        counted = catalogue.compute(catalogue.get("members.count"), subjects_within(areas=[area]), QUARTER)[area.pk].value
        total = statistics.member_tables(area, today)[0].total.value
        assert counted == total > 0
