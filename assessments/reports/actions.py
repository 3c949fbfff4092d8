"""Writes of one-table reports: one function per use case.

    field_create (a new field, defined once in a tree) → report_create / report_update (a
    draft: subjects, period, columns) → report_publish (asks the subjects: one field cell per
    subject, filled at once where the value exists) → field_values_save (a subject's cadre,
    every field asked of it in one form) → report_compute (every cell) → report_close

Lock, check, record: a status change takes the report row with ``select_for_update``,
re-checks it against ``choices.REPORT_ACTIONS`` and writes a ``ReportEvent`` and an audit
event.  Out of scope is ``Http404``; a role that may not ``PermissionDeniedError``; a status
that does not allow the step ``TransitionError`` (409); bad input ``ValidationError`` with
the message on its field.

Computing (``compute_cells``) costs a constant number of queries per column: one catalogue
``compute`` per figure column (``assessments.figures.catalogue``; no figure is computed
anywhere else) and one query for the values of every field column; the cells are upserted in
bulk on their unique key.  A report of more than ``INLINE_CELLS`` cells is computed by a job
(``dangjian.jobs.enqueue``), the page showing the time of the last computation.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.figures import catalogue
from assessments.figures.choices import FigureLevel
from assessments.figures.subjects import subjects_within
from assessments.reports import permissions, rules, selectors
from assessments.reports.choices import (
    DEFINE_ROLES,
    INLINE_CELLS,
    REPORT_ACTIONS,
    REPORT_TRANSITIONS,
    SUBJECT_LEVELS,
    FieldType,
    PeriodKind,
    ReportAction,
    ReportStatus,
)
from assessments.reports.models import FieldValue, Report, ReportCell, ReportColumn, ReportField
from assessments.scoring import periods
from dangjian import trees
from dangjian.audit import record
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.scoping import get_scope
from dangjian.validation import text_or_error
from dangjian.workflow import action_refusal, transition_locked
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory
from organizations.orgs.models import PartyOrg

__all__ = [
    "PermissionDeniedError", "TransitionError", "field_create", "report_create", "report_update", "report_publish",
    "report_close", "report_compute", "compute_cells", "field_values_save",
]

NAME_MAX = 100
DEFINITION_MAX = 500
NOTE_MAX = 500
COLUMNS_MAX = 40

REFUSALS = {
    (ReportAction.PUBLISH, ReportStatus.PUBLISHED): gettext_lazy("该报表已发布。"),
    (ReportAction.PUBLISH, ReportStatus.CLOSED): gettext_lazy("该报表已关闭，不能再发布。"),
    (ReportAction.CLOSE, ReportStatus.DRAFT): gettext_lazy("草稿不需要关闭，请先发布。"),
    (ReportAction.CLOSE, ReportStatus.CLOSED): gettext_lazy("该报表已关闭。"),
}


# ------------------------------------------------------------------------------ fields
def defining_area(actor, within) -> Area:
    """The district or street that asks: the outermost node granted to ``actor`` with a
    defining role that holds ``within`` (``within`` itself for a global user)."""
    scope = get_scope(actor)
    holders = [r for r in scope.areas_for(DEFINE_ROLES) if r.contains(within)]
    if not holders:
        if scope.is_global:
            return within
        raise PermissionDeniedError(_("只有区委组织部或街道党工委可以在本辖区内制作报表。"))
    outer = min(holders, key=lambda r: r.start)
    return Area.objects.get(pk=outer.node_id)


@transaction.atomic
def field_create(*, actor, area, name, definition, value_type=FieldType.INTEGER, choices_text="", unit="",
                 fill_level=FigureLevel.COMMUNITY, period_kind=PeriodKind.YEAR) -> ReportField:
    """A new field defined at ``area`` (the definer's district or street).  Refused when a
    catalogue figure or a field of the same tree already has the name: it is picked instead."""
    if not permissions.can_define(actor) or not (get_scope(actor).is_global
                                                 or get_scope(actor).covers_area(area, DEFINE_ROLES)):
        raise PermissionDeniedError(_("只有区委组织部或街道党工委可以定义报表字段。"))
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("请填写字段名称。")
    elif len(name) > NAME_MAX:
        errors["name"] = _("字段名称最多 %(n)d 个字。") % {"n": NAME_MAX}
    else:
        figure = next((f for f in catalogue.CATALOGUE.values() if f.name == name), None)
        if figure is not None:
            errors["name"] = _("指标库已有“%(name)s”，请直接选用（由业务记录自动计算，无需填报）。") % {"name": figure.name}
        else:
            Area.objects.select_for_update().filter(pk=area.pk).first()  # one definition at a time per area
            existing = selectors.same_name_field(area, name)
            if existing is not None:
                errors["name"] = _("“%(area)s”已定义字段“%(name)s”，请直接选用。") % {"area": existing.area.name,
                                                                              "name": existing.name}
    definition = (definition or "").strip()
    if not definition:
        errors["definition"] = _("请写明字段的定义（填报口径），让填报人知道填什么。")
    elif len(definition) > DEFINITION_MAX:
        errors["definition"] = _("定义最多 %(n)d 个字。") % {"n": DEFINITION_MAX}
    if value_type not in FieldType.values:
        errors["value_type"] = _("请选择数据类型。")
    options = [line.strip() for line in (choices_text or "").splitlines() if line.strip()]
    if value_type == FieldType.CHOICE and len(options) < 2:
        errors["choices_text"] = _("单选字段至少要有两个选项，每行一项。")
    if fill_level not in SUBJECT_LEVELS:
        errors["fill_level"] = _("请选择填报层级。")
    if period_kind not in PeriodKind.values:
        errors["period_kind"] = _("请选择填报周期。")
    unit = (unit or "").strip()
    if len(unit) > 20:
        errors["unit"] = _("单位最多 20 个字。")
    if errors:
        raise ValidationError(errors)
    field = ReportField.objects.create(
        name=name, definition=definition, value_type=value_type, unit=unit, fill_level=fill_level,
        period_kind=period_kind, area=area, created_by=actor if actor.pk else None,
        choices_text="\n".join(options) if value_type == FieldType.CHOICE else "",
    )
    record(actor, "report_field.create", field, {"name": name, "area": area.pk})
    return field


# ----------------------------------------------------------------------------- reports
def _check_definition(actor, *, name, within, subject_level, org_category, period_key, columns, only_in):
    """The values of a report's definition, or ``ValidationError`` with every problem on its field."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("请填写报表名称。")
    elif len(name) > NAME_MAX:
        errors["name"] = _("报表名称最多 %(n)d 个字。") % {"n": NAME_MAX}
    if subject_level not in SUBJECT_LEVELS:
        errors["subject_level"] = _("请选择填报对象。")
    if subject_level == FigureLevel.ORG and org_category not in OrgCategory.values:
        errors["org_category"] = _("填报对象为党组织时，请选择党组织类型。")
    if subject_level != FigureLevel.ORG:
        org_category = ""
    period = None
    try:
        period = periods.parse(period_key or "")
    except periods.PeriodKeyError:
        errors["period_key"] = _("请选择统计期（如 2026、2026-Q3、2026-11）。")
    if within is None:
        errors["within"] = _("请选择统计范围。")
    area = None
    if within is not None:
        area = defining_area(actor, within)
    for other in only_in:
        if within is not None and not trees.contains(within, other):
            errors["only_in"] = _("“%(name)s”不在统计范围内。") % {"name": other.name}
    checked, seen = [], set()
    if not columns:
        errors["columns"] = _("请至少选择一列：从指标库选择，或选用、新建字段。")
    for column in columns[:COLUMNS_MAX + 1]:
        field, code = column.get("field"), (column.get("figure") or "").strip()
        label = (column.get("label") or "").strip()[:NAME_MAX]
        if field is not None:
            key = ("field", field.pk)
            if subject_level in SUBJECT_LEVELS and field.fill_level != subject_level:
                errors["columns"] = _("字段“%(name)s”由%(level)s填报，与本报表的填报对象不一致。") % {
                    "name": field.name, "level": FigureLevel(field.fill_level).label}
            elif period is not None and not rules.fits(field.period_kind, period.kind):
                errors["columns"] = _("字段“%(name)s”按%(kind)s填报，不能用于更短周期的报表。") % {
                    "name": field.name, "kind": PeriodKind(field.period_kind).label}
            elif area is not None and not ReportField.objects.filter(selectors.tree_fields_q(area), pk=field.pk).exists():
                errors["columns"] = _("字段“%(name)s”不是本辖区定义的字段。") % {"name": field.name}
            checked.append({"field": field, "figure": "", "label": label})
        else:
            figure = catalogue.CATALOGUE.get(code)
            key = ("figure", code)
            if figure is None:
                errors["columns"] = _("指标库中没有所选指标，请重新选择。")
                continue
            if subject_level in SUBJECT_LEVELS and not figure.applies_to(subject_level):
                errors["columns"] = _("指标“%(name)s”不适用于%(level)s。") % {
                    "name": figure.name, "level": FigureLevel(subject_level).label}
            checked.append({"field": None, "figure": code, "label": label})
        if key in seen:
            errors["columns"] = _("同一列选了两次，请删去重复的列。")
        seen.add(key)
    if len(columns) > COLUMNS_MAX:
        errors["columns"] = _("一张报表最多 %(n)d 列。") % {"n": COLUMNS_MAX}
    if errors:
        raise ValidationError(errors)
    return {"name": name, "within": within, "area": area, "subject_level": subject_level, "org_category": org_category,
            "period_kind": period.kind, "period_key": period.key}, checked


def _write_columns(report, columns):
    report.columns.all().delete()
    ReportColumn.objects.bulk_create([
        ReportColumn(report=report, position=i, figure_code=c["figure"], field=c["field"], label=c["label"])
        for i, c in enumerate(columns, start=1)
    ])


@transaction.atomic
def report_create(*, actor, name, within, subject_level, period_key, columns, org_category="", only_in=(),
                  due_on=None, note="") -> Report:
    """A draft report over the subjects of ``subject_level`` inside ``within``; ``columns``:
    ``[{"figure": code} | {"field": ReportField}, optional "label"]`` in order."""
    if not permissions.can_define(actor):
        raise PermissionDeniedError(_("只有区委组织部或街道党工委可以制作报表。"))
    only_in = list(only_in or ())
    values, checked = _check_definition(actor, name=name, within=within, subject_level=subject_level,
                                        org_category=org_category, period_key=period_key, columns=columns,
                                        only_in=only_in)
    note = text_or_error("note", note, NOTE_MAX, required=False)
    report = Report.objects.create(created_by=actor if actor.pk else None, due_on=due_on, note=note, **values)
    if only_in:
        report.only_in.set(only_in)
    _write_columns(report, checked)
    report.make_event(actor=actor, from_status="", to_status=report.status).save()
    record(actor, "report.create", report, {"columns": len(checked)})
    return report


def _visible_report(actor, report) -> Report:
    found = selectors.reports_for(actor).select_related("area", "within").filter(pk=getattr(report, "pk", report)).first()
    if found is None:
        raise Http404
    return found


def _locked(report) -> Report:
    return Report.objects.select_for_update(of=("self",)).select_related("area").get(pk=report.pk)


@transaction.atomic
def report_update(*, actor, report, name, within, subject_level, period_key, columns, org_category="", only_in=(),
                  due_on=None, note="") -> Report:
    """Change a draft: its subjects, period and columns (a published report keeps them)."""
    report = _visible_report(actor, report)
    if not permissions.is_definer(actor, report):
        raise PermissionDeniedError(_("只有制表单位可以修改报表。"))
    report = _locked(report)
    if report.status != ReportStatus.DRAFT:
        raise TransitionError(_("报表已发布，不能再修改列和范围；如需调整请新建报表。"), code="transition")
    only_in = list(only_in or ())
    values, checked = _check_definition(actor, name=name, within=within, subject_level=subject_level,
                                        org_category=org_category, period_key=period_key, columns=columns,
                                        only_in=only_in)
    values.pop("area")
    for key, value in values.items():
        setattr(report, key, value)
    report.due_on, report.note = due_on, text_or_error("note", note, NOTE_MAX, required=False)
    report.save()
    report.only_in.set(only_in)
    _write_columns(report, checked)
    ReportCell.objects.filter(report=report).delete()
    record(actor, "report.update", report, {"columns": len(checked)})
    return report


def _step(verb, report, *, actor, **changes) -> Report:
    locked = _locked(report)
    starts, to_status = REPORT_ACTIONS[verb]
    refusal = action_refusal(verb, known=REFUSALS, statuses=ReportStatus, verbs=ReportAction,
                             otherwise=gettext_lazy("该报表当前为“%(now)s”，不能%(verb)s。"))
    event = transition_locked(locked, to_status, REPORT_TRANSITIONS, actor=actor, allowed_from=starts, refusal=refusal,
                              **changes)
    record(actor, f"report.{verb}", locked, {"from": event.from_status, "to": to_status})
    return locked


@transaction.atomic
def report_publish(*, actor, report) -> Report:
    """Publish: the subjects are asked for every field without a value for the period (one
    field cell per subject; a value filled for another report fills its cell at once), and
    the figures are computed."""
    report = _visible_report(actor, report)
    if not permissions.can_publish(actor, report):
        raise PermissionDeniedError(_("只有制表单位可以发布报表。"))
    report = _step(ReportAction.PUBLISH, report, actor=actor, published_at=timezone.now())
    report_compute(actor=actor, report=report)
    return report


@transaction.atomic
def report_close(*, actor, report) -> Report:
    """Close: nothing more is asked; the values already filled stay."""
    report = _visible_report(actor, report)
    if not permissions.can_close(actor, report):
        raise PermissionDeniedError(_("只有制表单位可以关闭报表。"))
    return _step(ReportAction.CLOSE, report, actor=actor)


def cell_count(report) -> int:
    return selectors.subject_nodes(report).count() * report.columns.count()


def report_compute(*, actor, report, inline: bool | None = None) -> str:
    """Compute every cell now (a small report) or through the outbox (a big one): returns
    ``"done"`` or ``"queued"``."""
    report = _visible_report(actor, report)
    if not permissions.is_definer(actor, report):
        raise PermissionDeniedError(_("只有制表单位可以计算报表。"))
    if report.status == ReportStatus.DRAFT:
        raise TransitionError(_("请先发布报表，再计算。"), code="transition")
    if inline is None:
        inline = cell_count(report) <= INLINE_CELLS
    if inline:
        compute_cells(report.pk)
        return "done"
    from assessments.reports.tasks import compute_report_task
    from dangjian import jobs

    Report.objects.filter(pk=report.pk).update(computing_since=timezone.now())
    jobs.enqueue(compute_report_task, dedupe=f"report-compute:{report.pk}", report_id=report.pk)
    record(actor, "report.compute_queued", report, {})
    return "queued"


def _number(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def compute_cells(report_id: int) -> int:
    """Every cell of the report from the catalogue and the field values (idempotent: an
    upsert on the cells' unique key).  Returns the number of cells written."""
    report = Report.objects.select_related("within").get(pk=report_id)
    columns = selectors.columns_of(report)
    nodes = list(selectors.subject_nodes(report))
    org = selectors.is_org_report(report)
    subjects = subjects_within(orgs=nodes) if org else subjects_within(areas=nodes)
    period = report.period
    now = timezone.now()
    place = {}
    for pk in subjects.ids:
        community = subjects.community_of.get(pk)
        place[pk] = community if community is not None else (pk if report.subject_level == FigureLevel.STREET else None)
    cells = []
    field_columns = [c for c in columns if c.is_field]
    for column in columns:
        if column.is_field:
            continue
        figure = catalogue.get(column.figure_code)
        if column.params:
            figure = replace(figure, params={**figure.params, **column.params})
        for subject_id, value in catalogue.compute(figure, subjects, period).items():
            cells.append(ReportCell(report=report, column=column, subject_id=subject_id, place_id=place[subject_id],
                                    number=_number(catalogue.as_number(value, figure)), text=value.text[:500],
                                    url=(value.url or "")[:500], filled=True, computed_at=now))
    if field_columns:
        keys = {c.pk: rules.value_key(c.field.period_kind, period) for c in field_columns}
        subject = "org_id" if org else "area_id"
        values = {(v.field_id, v.period_key, getattr(v, subject)): v for v in FieldValue.objects.filter(
            field_id__in=[c.field_id for c in field_columns], period_key__in=set(keys.values()),
            **{f"{subject}__in": subjects.ids})}
        for column in field_columns:
            for subject_id in subjects.ids:
                v = values.get((column.field_id, keys[column.pk], subject_id))
                cells.append(ReportCell(
                    report=report, column=column, subject_id=subject_id, place_id=place[subject_id],
                    value_key=keys[column.pk], number=v.number if v else None,
                    text=rules.shown(column.field, v.number, v.text) if v else "", filled=v is not None,
                    filled_by_id=v.filled_by_id if v else None, filled_at=v.filled_at if v else None, computed_at=now))
    with transaction.atomic():
        ReportCell.objects.bulk_create(
            cells, batch_size=500, update_conflicts=True, unique_fields=["report", "column", "subject_id"],
            update_fields=["place", "number", "text", "url", "value_key", "filled", "filled_by", "filled_at",
                           "computed_at"])
        ReportCell.objects.filter(report=report).filter(computed_at__lt=now).delete()  # subjects or columns gone
        Report.objects.filter(pk=report.pk).update(computed_at=now, computing_since=None)
    return len(cells)


# ----------------------------------------------------------------------------- filling
def entry_name(field_id, key) -> str:
    return f"value_{field_id}_{key}"


@transaction.atomic
def field_values_save(*, actor, subject, values) -> int:
    """A subject's cadre saves every field asked of it, in one form: ``values`` maps
    ``entry_name(field, period)`` to what was typed.  Each value is checked against its
    field's type (errors on their entries, nothing saved); a value is stored once per
    (field, subject, period) and every report asking it reads it.  Returns the values changed."""
    org = isinstance(subject, PartyOrg)
    allowed = permissions.can_fill_org(actor, subject) if org else permissions.can_fill_area(actor, subject)
    if not allowed:
        raise Http404
    entries = selectors.asked_entries(actor, org=org, subject_id=subject.pk)
    if not entries:
        raise TransitionError(_("没有向该单位征集的填报项，或相关报表已关闭。"), code="transition")
    errors, parsed = {}, []
    for entry in entries:
        name = entry_name(entry["field"].pk, entry["key"])
        if name not in values:
            continue
        try:
            number, text = rules.parse_value(entry["field"], values[name])
        except ValidationError as exc:
            errors[name] = exc.messages[0]
            continue
        parsed.append((entry, number, text))
    if errors:
        raise ValidationError(errors)
    subject_kw = {"org": subject} if org else {"area": subject}
    # one fill of a subject at a time (its row locked): two cadres saving the same first value
    # at once make one row, the later save updating it
    type(subject).objects.select_for_update(of=("self",)).filter(pk=subject.pk).values_list("pk").first()
    field_ids = [e["field"].pk for e, _n, _t in parsed]
    locked = {(v.field_id, v.period_key): v for v in FieldValue.objects.select_for_update().filter(
        field_id__in=field_ids, **subject_kw)}
    now, changed = timezone.now(), 0
    cells = ReportCell.objects.filter(subject_id=subject.pk, column__field__isnull=False)
    cells = cells.filter(report__subject_level=FigureLevel.ORG) if org else cells.exclude(report__subject_level=FigureLevel.ORG)
    for entry, number, text in parsed:
        field, key = entry["field"], entry["key"]
        current = locked.get((field.pk, key))
        empty = number is None and not text
        if current is not None and current.number == number and current.text == text:
            continue
        if empty and current is None:
            continue
        changed += 1
        if empty:
            current.delete()
            cells.filter(column__field=field, value_key=key).update(
                number=None, text="", filled=False, filled_by=None, filled_at=None)
            continue
        if current is None:
            current = FieldValue(field=field, period_key=key, **subject_kw)
        current.number, current.text, current.filled_by, current.filled_at = number, text, actor, now
        current.save()
        cells.filter(column__field=field, value_key=key).update(
            number=number, text=rules.shown(field, number, text), filled=True, filled_by=actor, filled_at=now)
    if changed:
        record(actor, "report_field.fill", subject, {"values": changed})
    return changed
