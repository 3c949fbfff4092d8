"""Demo scores for ``seed_demo``: run the engine over the last few completed periods.

``seed_scores(periods=None, today=None, seed="demo", manual=True)`` scores every active
rubric (the version in force at each period's start) for the last three months, the last
two quarters and the last year (or the period keys given), synchronously, so a new user
finds ranked, starred and explained scores.  With ``manual`` the manual indicators get a
reviewer's points first (deterministic from ``seed``; 60–100 % of the maximum, in half
points; bulk-inserted, existing points are kept), so totals are not held down by
"未评分".  Returns counts: ``{"periods": [...], "runs": n, "scores": n, "manual": n}``.
"""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments.scoring import periods as P
from assessments.scoring.choices import IndicatorSource, RunState, SubjectKind
from assessments.scoring.engine import score_run, total_steps_for
from assessments.scoring.models import Indicator, ManualScore, Score, ScoringRun
from assessments.scoring.selectors import rubrics_in_force
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg

INSERT_BATCH = 5000
DEMO_NOTE = "示例数据：评审组综合考评"


def default_periods(today: date) -> list[str]:
    keys = [p.key for p in P.recent("month", today, 3)]
    keys += [p.key for p in P.recent("quarter", today, 2)]
    keys += [p.key for p in P.recent("year", today, 1)]
    return keys


def _subjects(rubric) -> list[tuple[int, int]]:
    """``(subject id, area id)`` of a rubric's subjects (one query)."""
    if rubric.subject_kind == SubjectKind.ORG:
        return list(PartyOrg.objects.filter(category=rubric.org_category).values_list("pk", "area_id"))
    return [(pk, pk) for pk in Area.objects.filter(level=rubric.area_level).values_list("pk", flat=True)]


def seed_manual(rubric, period_key: str, rng: random.Random) -> int:
    indicators = list(Indicator.objects.filter(rubric=rubric, source=IndicatorSource.MANUAL).order_by("sort_order", "pk"))
    if not indicators:
        return 0
    subjects = _subjects(rubric)
    rows = []
    now = timezone.now()
    for indicator in indicators:
        halves = int(indicator.max_points * 2)
        for subject_id, area_id in subjects:
            points = Decimal(rng.randint(int(halves * 0.6), halves)) / 2
            rows.append(ManualScore(indicator=indicator, period_key=period_key, subject_id=subject_id, area_id=area_id,
                                    points=points, note=DEMO_NOTE, reviewer=None, reviewed_at=now))
    for i in range(0, len(rows), INSERT_BATCH):
        ManualScore.objects.bulk_create(rows[i:i + INSERT_BATCH], ignore_conflicts=True)
    return len(rows)


def seed_scores(*, periods=None, today: date | None = None, seed="demo", manual: bool = True) -> dict:
    today = today or timezone.localdate()
    keys = list(periods) if periods is not None else default_periods(today)
    rng = random.Random(f"{seed}-scores")
    counts = {"periods": keys, "runs": 0, "scores": 0, "manual": 0}
    for key in keys:
        period = P.parse(key)
        for rubric in rubrics_in_force(period.start):
            if period.kind not in P.parse_kinds(rubric.period_kinds):
                continue
            if manual:
                counts["manual"] += seed_manual(rubric, period.key, rng)
            with transaction.atomic():
                run, _ = ScoringRun.objects.get_or_create(
                    rubric=rubric, period_key=period.key,
                    defaults=dict(period_kind=period.kind, period_start=period.start, period_end=period.end),
                )
                ScoringRun.objects.filter(pk=run.pk).update(
                    state=RunState.PENDING, done_steps=0, error="",
                    total_steps=total_steps_for(Indicator.objects.filter(rubric=rubric).count()),
                )
            score_run(run.pk)
            counts["runs"] += 1
            counts["scores"] += Score.objects.filter(run=run).count()
    return counts
