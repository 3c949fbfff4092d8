"""Pages of scoring (mounted at /scores/, namespace ``scoring``).

* ``index`` — a rubric and a period; the ranking of the subjects the user may see (or the
  siblings under one parent area) with stars, rank and total; Excel export of the table;
* ``stars`` — how many subjects have each star, overall and per parent area;
* ``score_detail`` — one score line by line, grouped by the indicators' groups, each with
  its value, points, explanation and a link to the records behind it;
* ``history`` — the same subject across periods;
* ``runs`` / ``run_start`` / ``run_detail`` (+ ``run_progress``, polled by htmx) — the
  scoring runs; 区委组织部 starts one;
* ``manual`` — a reviewer's points for a manual indicator.

Reads go through ``assessments.scoring.selectors`` (scores are scoped with
``Score.objects.visible_to``: out of scope → 404), writes through
``assessments.scoring.actions``; a role that may not act gets the 403 page.  Every page runs
a fixed number of queries whatever the number of subjects.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.scoring import actions as scoring_actions
from assessments.scoring import export as scoring_export
from assessments.scoring import periods, permissions, selectors
from assessments.scoring.choices import RunState
from assessments.scoring.forms import ManualScoreForm, RunStartForm, ScoreFilterForm
from assessments.scoring.models import ManualScore, Score
from dangjian import jobs
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError, message_of
from dangjian.forms import attach_errors
from dangjian.portal import int_param, paginate, refusals

POLL_STATES = (RunState.PENDING, RunState.RUNNING)


def _crumbs(*items):
    return [{"label": _("考核评分"), "url": reverse("scoring:index")}] + [{"label": label, "url": url} for label, url in items]


READ_REFUSED = gettext_lazy("您的角色无权查看考核评分。")


def _require_reader(user):
    if not permissions.can_read_scores(user):
        raise PermissionDeniedError(str(READ_REFUSED))


def _selection(request):
    """The rubric, period and parent area the page is about (from the query string), and the
    period asked for when the rubric has no scores for it (the page then shows the rubric's
    latest scored period and says so): what the filters select is what the rows are."""
    user = request.user
    rubric_id = int_param(request, "rubric")
    if rubric_id is not None:
        rubric = selectors.rubrics().filter(pk=rubric_id).first()
        if rubric is None:
            raise Http404
    else:
        rubric = selectors.default_rubric()
    keys = selectors.periods_scored(rubric) if rubric is not None else []
    asked = (request.GET.get("period") or "").strip().upper()
    if asked and not periods.is_key(asked):
        raise Http404
    asked = periods.parse(asked).key if asked else ""
    period_key = asked if asked in keys else (keys[0] if keys else "")
    parent_id = int_param(request, "parent")
    parent = None
    if parent_id is not None:
        parent = selectors.parent_area_for(user, parent_id)
        if parent is None:
            raise Http404
    return rubric, keys, period_key, parent, (asked if asked and asked != period_key else "")


def _filter_form(request, rubric, keys, period_key):
    """The filters as shown: the rubric and the period of the rows on display selected."""
    data = request.GET.copy()
    if rubric is not None:
        data["rubric"] = str(rubric.pk)
    data["period"] = period_key
    return ScoreFilterForm(data, rubrics=selectors.rubrics(), period_keys=keys, today=timezone.localdate())


def _period_note(rubric, asked) -> str:
    if not asked or rubric is None:
        return ""
    return _("“%(rubric)s”没有%(period)s的评分，已显示其最近有评分的周期。") % {
        "rubric": rubric.name, "period": periods.parse(asked).label}


def _label(period_key) -> str:
    return periods.parse(period_key).label_on(timezone.localdate()) if period_key else ""


@page_access(permissions.can_read_scores, READ_REFUSED)
@refusals
def index(request):
    user = request.user
    rubric, keys, period_key, parent, asked = _selection(request)
    q = (request.GET.get("q") or "").strip()[:50]
    rows = selectors.ranking(user, rubric, period_key, parent=parent, q=q) if rubric is not None and period_key else Score.objects.none()
    if request.GET.get("export") == "xlsx" and rubric is not None and period_key:
        return scoring_export.ranking_response(rows, rubric=rubric, period_key=period_key, parent=parent)
    page = paginate(request, rows)
    context = {
        "rubric": rubric,
        "period_key": period_key,
        "period_label": _label(period_key),
        "period_note": _period_note(rubric, asked),
        "parent": parent,
        "filters": _filter_form(request, rubric, keys, period_key),
        "page_obj": page,
        "distribution": selectors.star_distribution(rows) if rubric is not None and period_key else [],
        "subject_label": selectors.subject_label(rubric) if rubric is not None else "",
        "can_start": permissions.can_start_runs(user),
        "crumbs": _crumbs(),
    }
    return render(request, "assessments/scoring/index.html", context)


@page_access(permissions.can_read_scores, READ_REFUSED)
@refusals
def stars(request):
    user = request.user
    rubric, keys, period_key, parent, asked = _selection(request)
    rows = selectors.scores_for(user).none()
    if rubric is not None and period_key:
        rows = selectors.scores_for(user).filter(rubric=rubric, period_key=period_key)
        if parent is not None:
            rows = rows.filter(parent_area=parent)
    overall = selectors.star_distribution(rows)
    total = sum(n for _s, n in overall)
    by_parent = {}
    grouped = rows.order_by().values_list("parent_area_id", "parent_area__name", "stars").annotate(n=Count("pk"))
    for parent_id, name, star, n in grouped:
        entry = by_parent.setdefault(parent_id, {"id": parent_id, "name": name or "—", "counts": dict.fromkeys(range(1, 6), 0)})
        entry["counts"][star] = entry["counts"].get(star, 0) + n
    groups = sorted(by_parent.values(), key=lambda e: e["name"])
    for entry in groups:
        entry["row"] = [entry["counts"].get(s, 0) for s in range(5, 0, -1)]
        entry["total"] = sum(entry["row"])
        entry["three_up"] = sum(entry["counts"].get(s, 0) for s in (3, 4, 5))
    return render(request, "assessments/scoring/stars.html", {
        "rubric": rubric, "period_key": period_key, "parent": parent,
        "period_label": _label(period_key),
        "period_note": _period_note(rubric, asked),
        "filters": _filter_form(request, rubric, keys, period_key),
        "overall": [(s, n, round(n * 100 / total) if total else 0) for s, n in overall],
        "total": total,
        "three_up": sum(n for s, n in overall if s >= 3),
        "groups": groups,
        "crumbs": _crumbs((_("星级分布"), None)),
    })


@login_required
@refusals
def score_detail(request, pk):
    user = request.user
    score = selectors.score_or_404(user, pk)
    _require_reader(user)
    subject = score.org or score.area
    can_manual = permissions.can_score_subject(user, subject)
    return render(request, "assessments/scoring/detail.html", {
        "score": score,
        "subject": subject,
        "groups": selectors.score_groups(score),
        "period_label": _label(score.period_key),
        "percent": round(score.total * 100 / score.max_total, 1) if score.max_total else 0,
        "can_manual": can_manual,
        "crumbs": _crumbs((score.rubric.name, f"{reverse('scoring:index')}?rubric={score.rubric_id}&period={score.period_key}"),
                          (str(subject), None)),
    })


@login_required
@refusals
def history(request, pk):
    user = request.user
    score = selectors.score_or_404(user, pk)
    _require_reader(user)
    rows = list(selectors.history(user, score)[:60])
    for row in rows:
        row.period_label = _label(row.period_key)
        row.percent = round(row.total * 100 / row.max_total, 1) if row.max_total else 0
    subject = score.org or score.area
    return render(request, "assessments/scoring/history.html", {
        "score": score, "subject": subject, "rows": rows,
        "crumbs": _crumbs((str(subject), reverse("scoring:score_detail", args=[score.pk])), (_("历次得分"), None)),
    })


# ------------------------------------------------------------------------------ runs
def _suggested_keys():
    today = timezone.localdate()
    out = []
    for kind in periods.KINDS:
        out += [p.key for p in periods.recent(kind, today, 3 if kind != "year" else 2)][::-1]
    return out


def _runs_page(request, form=None, status=200):
    user = request.user
    can_start = permissions.can_start_runs(user)
    failed = request.GET.get("state") == RunState.FAILED
    page = paginate(request, selectors.failed_runs(user) if failed else selectors.runs())
    for run in page:
        run.percent = selectors.progress_percent(run)
    return render(request, "assessments/scoring/runs.html", {
        "page_obj": page, "failed": failed,
        "can_start": can_start,
        "form": form or (RunStartForm(rubrics=selectors.active_rubrics(), today=timezone.localdate()) if can_start else None),
        "suggested": _suggested_keys(),
        "crumbs": _crumbs((_("评分批次"), None)),
    }, status=status)


@page_access(permissions.can_read_scores, READ_REFUSED)
@refusals
def runs(request):
    return _runs_page(request)


@login_required
@refusals
@require_POST
def run_start(request):
    user = request.user
    if not permissions.can_start_runs(user):
        raise PermissionDeniedError(_("只有区委组织部可以发起评分。"))
    form = RunStartForm(request.POST, rubrics=selectors.active_rubrics(), today=timezone.localdate())
    if form.is_valid():
        try:
            run = scoring_actions.scoring_run_start(
                actor=user, rubric=form.cleaned_data["rubric"], period_key=form.cleaned_data["period_key"])
        except scoring_actions.TransitionError as exc:
            messages.error(request, message_of(exc))
            return redirect("scoring:runs")
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已发起评分：%(rubric)s %(period)s，正在排队计算。") % {
                "rubric": run.rubric.name, "period": periods.parse(run.period_key).label})
            return redirect("scoring:run_detail", pk=run.pk)
    return _runs_page(request, form=form, status=400)


def _run_context(run):
    return {
        "run": run,
        "percent": selectors.progress_percent(run),
        "polling": run.state in POLL_STATES,
        "period_label": _label(run.period_key),
        # a pending run whose message the broker has not taken yet (down): said, not hidden
        "awaiting_broker": run.state == RunState.PENDING
        and jobs.awaiting_broker(scoring_actions.run_job_key(run.pk)),
    }


@login_required
@refusals
def run_detail(request, pk):
    _require_reader(request.user)
    run = selectors.run_or_404(pk)
    return render(request, "assessments/scoring/run_detail.html", {
        **_run_context(run),
        "can_start": permissions.can_start_runs(request.user),
        "crumbs": _crumbs((_("评分批次"), reverse("scoring:runs")), (f"{run.rubric.name} {run.period_key}", None)),
    })


@login_required
@refusals
def run_progress(request, pk):
    """The progress bar alone (htmx polls it while the run is pending or running)."""
    _require_reader(request.user)
    run = selectors.run_or_404(pk)
    return render(request, "assessments/scoring/_run_progress.html", _run_context(run))


# ---------------------------------------------------------------------- manual scores
@login_required
@refusals
def manual(request):
    user = request.user
    indicator_id, subject_id = int_param(request, "indicator"), int_param(request, "subject")
    period_key = (request.GET.get("period") or "").strip().upper()
    if indicator_id is None or subject_id is None or not periods.is_key(period_key):
        raise Http404
    indicator = selectors.manual_indicators().filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404
    subject = selectors.visible_subject_or_404(user, indicator.rubric, subject_id)
    if not permissions.can_score_subject(user, subject):
        raise PermissionDeniedError(_("只有区委组织部或街道党工委可以评审打分。"))
    current = ManualScore.objects.select_related("reviewer").filter(
        indicator=indicator, period_key=period_key, subject_id=subject.pk).first()
    initial = {"points": current.points, "note": current.note} if current else {}
    form = ManualScoreForm(request.POST or None, initial=initial, max_points=indicator.max_points)
    score = Score.objects.filter(rubric=indicator.rubric, period_key=period_key, subject_id=subject.pk).only("pk").first()
    if request.method == "POST" and form.is_valid():
        try:
            scoring_actions.manual_score_set(
                actor=user, indicator=indicator, subject=subject, period_key=period_key,
                points=form.cleaned_data["points"], note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            attach_errors(form, exc, field_map={"period_key": "points"})
        else:
            messages.success(request, _("已保存评分：%(subject)s · %(indicator)s。") % {"subject": subject, "indicator": indicator.name})
            if score is not None:
                return redirect("scoring:score_detail", pk=score.pk)
            return redirect(request.get_full_path())
    return render(request, "assessments/scoring/manual.html", {
        "indicator": indicator, "subject": subject, "period_key": period_key,
        "period_label": _label(period_key), "form": form, "current": current, "score": score,
        "crumbs": _crumbs((_("评审打分"), None)),
    }, status=400 if form.is_bound and form.errors else 200)
