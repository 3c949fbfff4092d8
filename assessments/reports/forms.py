"""Forms of one-table reports: define a report (subjects, period and columns picked, never a
code typed), a new field, the fill form of a subject (every field asked of it, typed by the
field's type), the list filters."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.figures.choices import FigureLevel
from assessments.reports import actions, rules, selectors
from assessments.reports.choices import SUBJECT_LEVEL_CHOICES, FieldType, PeriodKind, ReportStatus
from assessments.scoring import periods
from dangjian.forms import DateInput, FilterForm, MultiplePickerField, PlainForm, _choices
from organizations.areas.choices import AreaLevel
from organizations.areas.forms import AreaPickerField, area_label, area_picker_url
from organizations.orgs.choices import OrgCategory

WITHIN_LEVELS = (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)


def period_choices(today=None):
    """The periods a report may cover: this year's and last year's years, quarters and months."""
    today = today or timezone.localdate()
    out = []
    for year in (today.year, today.year - 1):
        for kind in (PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH):
            out.extend((p.key, p.label) for p in periods.periods_of_year(year, kind) if p.start <= today)
    return out


class ReportFilterForm(FilterForm):
    q = forms.CharField(label=_("报表名称"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_choices(ReportStatus))


class ReportForm(PlainForm):
    """The report's definition; its columns are read by ``columns_from`` (figure and field
    check boxes with an order number each)."""

    name = forms.CharField(label=_("报表名称"), max_length=100)
    subject_level = forms.ChoiceField(label=_("填报对象"), choices=SUBJECT_LEVEL_CHOICES,
                                      help_text=_("改变填报对象后，可选的指标随之变化。"))
    org_category = forms.ChoiceField(label=_("党组织类型"), required=False, choices=[("", _("请选择")), *OrgCategory.choices],
                                     help_text=_("填报对象为党组织时选择。"))
    within = AreaPickerField(label=_("统计范围"), levels=WITHIN_LEVELS,
                             help_text=_("本辖区内的区、街道或社区：输入名称的一部分搜索。"))
    only_in = MultiplePickerField(None, label=_("仅限以下街道（可不选）"), required=False)
    period_key = forms.ChoiceField(label=_("统计期"))
    due_on = forms.DateField(label=_("填报截止日期"), required=False, widget=DateInput())
    note = forms.CharField(label=_("说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["within"].scope_to(user)
        streets = selectors_areas(user, (AreaLevel.STREET,))
        self.fields["only_in"].queryset = streets
        self.fields["only_in"].url = area_picker_url((AreaLevel.STREET,))
        self.fields["only_in"].label_from_instance = area_label
        self.fields["period_key"].choices = period_choices()

    @property
    def level(self) -> str:
        value = (self.data.get("subject_level") if self.is_bound else None) or self.initial.get("subject_level")
        return value if value in dict(SUBJECT_LEVEL_CHOICES) else FigureLevel.COMMUNITY


def selectors_areas(user, levels):
    from organizations.areas.selectors import pickable_areas

    return pickable_areas(user, levels)


def column_choices(level, area, period_kind=None):
    """What the column picker offers for ``level``: the catalogue's figures (with their
    definitions), then the fields of the definer's tree."""
    figures = selectors.figures_for(level)
    fields = list(selectors.pickable_fields(area, level, period_kind)) if area is not None else []
    return figures, fields


def columns_from(data, *, figures, fields) -> list[dict]:
    """The chosen columns in their order: ``fig:<code>`` and ``field:<pk>`` check boxes, each
    with an ``order_…`` number (unnumbered ones after, in the picker's order)."""
    chosen = []
    offered = [(f"fig:{f.code}", {"figure": f.code}) for f in figures] + [
        (f"field:{f.pk}", {"field": f}) for f in fields]
    picked = set(data.getlist("columns")) if hasattr(data, "getlist") else set(data.get("columns", ()))
    for i, (key, column) in enumerate(offered):
        if key not in picked:
            continue
        try:
            order = int(data.get(f"order_{key}") or 0)
        except (TypeError, ValueError):
            order = 0
        chosen.append((order or 1000 + i, i, {**column, "label": (data.get(f"label_{key}") or "").strip()}))
    return [c for _o, _i, c in sorted(chosen, key=lambda t: (t[0], t[1]))]


class FieldForm(PlainForm):
    name = forms.CharField(label=_("字段名称"), max_length=100,
                           help_text=_("先看看指标库和已有字段：能由业务记录计算的，不要新建字段。"))
    definition = forms.CharField(label=_("定义（填报口径）"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    value_type = forms.ChoiceField(label=_("数据类型"), choices=FieldType.choices)
    choices_text = forms.CharField(label=_("选项（单选字段，每行一项）"), required=False, max_length=500,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.CharField(label=_("单位"), required=False, max_length=20)
    fill_level = forms.ChoiceField(label=_("填报层级"), choices=SUBJECT_LEVEL_CHOICES)
    period_kind = forms.ChoiceField(label=_("填报周期"), choices=PeriodKind.choices, initial=PeriodKind.YEAR,
                                    help_text=_("每个填报单位每期只填一次，此后所有报表直接引用。"))
    area = AreaPickerField(label=_("定义单位"), levels=(AreaLevel.DISTRICT, AreaLevel.STREET),
                           help_text=_("本辖区的区或街道；同一辖区内字段名称不能重复。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].scope_to(user)


class FillForm(PlainForm):
    """Every field asked of one subject, one input per (field, period), typed by the field."""

    def __init__(self, *args, entries, editable=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries
        for entry in entries:
            field, value = entry["field"], entry["value"]
            name = actions.entry_name(field.pk, entry["key"])
            label = f"{field.name}（{periods.parse(entry['key']).label}）"
            help_text = field.definition + (f" 单位：{field.unit}" if field.unit else "")
            initial = rules.shown(field, value.number, value.text) if value else ""
            if field.value_type == FieldType.YES_NO:
                form_field = forms.ChoiceField(choices=[("", _("未填")), (rules.YES, _("是")), (rules.NO, _("否"))])
            elif field.value_type == FieldType.CHOICE:
                form_field = forms.ChoiceField(choices=[("", _("未填")), *((o, o) for o in field.options)])
            elif field.value_type == FieldType.TEXT:
                form_field = forms.CharField(max_length=rules.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
            else:
                # a text box: the action checks the number and keeps what was typed on an error
                form_field = forms.CharField(max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
            form_field.required = False
            form_field.label, form_field.help_text, form_field.initial = label, help_text, initial
            form_field.disabled = not editable
            self.fields[name] = form_field
            entry["name"] = name
        self._init_widgets()

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}
