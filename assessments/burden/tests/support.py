"""Helpers of the burden meter's tests: a scored community, a tally."""
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from assessments.burden import actions
from assessments.scoring.choices import IndicatorSource, PeriodKind, SubjectKind
from assessments.scoring.models import Indicator, Rubric, Score, ScoreLine, ScoringRun
from organizations.areas.choices import AreaLevel

_serial = iter(range(1, 10**6))


def local(year, month, day, hour=10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour), timezone.get_current_timezone())


def scored(area, at: datetime, *, computed=2, manual=1) -> Score:
    """A score of ``area`` computed ``at``, with ``computed`` lines of computed indicators and
    ``manual`` lines of manual ones."""
    n = next(_serial)
    rubric = Rubric.objects.create(code=f"burden-{n}", name=f"细则{n}", subject_kind=SubjectKind.AREA,
                                   area_level=area.level or AreaLevel.COMMUNITY, effective_from=date(2026, 1, 1))
    run = ScoringRun.objects.create(rubric=rubric, period_kind=PeriodKind.MONTH, period_key=f"{at:%Y-%m}",
                                    period_start=date(at.year, at.month, 1), period_end=date(at.year, at.month, 28))
    score = Score.objects.create(rubric=rubric, run=run, period_key=run.period_key, subject_id=area.pk, area=area,
                                 total=Decimal(80), max_total=Decimal(100), computed_at=at)
    sources = [IndicatorSource.ACTIVITY_COMPLIANCE] * computed + [IndicatorSource.MANUAL] * manual
    for i, source in enumerate(sources):
        indicator = Indicator.objects.create(rubric=rubric, code=f"i{i}", name=f"指标{i}", source=source,
                                             max_points=Decimal(10))
        ScoreLine.objects.create(score=score, indicator=indicator, points=Decimal(5), max_points=Decimal(10),
                                 explanation="")
    return score


def tally(user, count, *, channel="form", source="test:page", at=None):
    assert actions.tally_add(actor=user, count=count, channel=channel, source=source, at=at)
