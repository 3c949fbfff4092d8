"""Forms of the four-lists pages.  Forms check shapes only; ``assessments.checklists.actions``
checks the rest (scope, roles, state, deadlines, evidence) and its ``ValidationError`` is
put back on the form with ``dangjian.forms.attach_errors``."""
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.checklists import actions, selectors
from assessments.checklists.choices import Appraisal, ChecklistStatus, ItemKind, ProblemSource
from dangjian import uploads
from dangjian.forms import ALL, DateInput, FilterForm, MultiplePickerField, PlainForm
from organizations.orgs.forms import OrgPickerField

FIELD_MAP = {"evidence_note": "note", "figure_params": "activity_type"}


def figure_choices():
    """The 数据来源 picker: manual, then every catalogue figure an item may read."""
    return [("", _("手工填报（不绑定业务记录）")),
            *((f.code, f"{f.name}（{f.unit}）" if f.unit else f.name) for f in actions.bindable_figures())]


def figure_guide():
    """What the picker's figures mean, shown under it: code, name, definition, records, unit
    and whether the figure takes an activity type."""
    return [{"code": f.code, "name": f.name, "definition": f.definition, "source": f.source_text, "unit": f.unit,
             "typed": "type" in f.free_params} for f in actions.bindable_figures()]


class ChecklistFilterForm(FilterForm):
    q = forms.CharField(label=_("组织名称或编码"), required=False, max_length=100)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", ALL), *ChecklistStatus.choices])
    appraisal = forms.ChoiceField(label=_("评议等次"), required=False, choices=[("", ALL), *Appraisal.choices])


class ChecklistCreateForm(PlainForm):
    org = OrgPickerField(label=_("党组织"), help_text=_("输入本组织名称的一部分搜索。"))
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    copy_last_year = forms.BooleanField(label=_("复制上一年度的责任清单"), required=False, initial=True)

    def __init__(self, *args, user, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        self.fields["org"].scope_to(user, queryset=selectors.pickable_orgs(user), url=reverse("checklist:pick_orgs"))
        self.fields["year"].choices = [(y, _("%(y)d 年") % {"y": y}) for y in (today.year, today.year + 1, today.year - 1)]


class ItemForm(PlainForm):
    """An item of one kind; the fields that do not apply to the kind are dropped."""

    title = forms.CharField(label=_("事项"), max_length=actions.TITLE_MAX)
    detail = forms.CharField(label=_("具体内容"), required=False, max_length=actions.DETAIL_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(label=_("责任人"), required=False, max_length=actions.OWNER_MAX)
    due_on = forms.DateField(label=_("完成时限"), required=False, widget=DateInput())
    source = forms.ChoiceField(label=_("问题来源"), choices=ProblemSource.choices)
    problem = forms.TypedChoiceField(label=_("对应问题"), coerce=int)
    max_points = forms.DecimalField(label=_("分值"), required=False, min_value=0, max_value=actions.MAX_POINTS,
                                    decimal_places=1)
    figure = forms.ChoiceField(
        label=_("数据来源"), required=False,
        help_text=_("选择指标后，进度由业务记录自动计算（不需要填报数字或上传照片）；各指标的口径见下方说明。"),
    )
    activity_type = forms.ModelChoiceField(
        label=_("活动类型"), required=False, queryset=None, to_field_name="code", empty_label=_("不限类型"),
        help_text=_("组织生活类指标可限定活动类型，例如主题党日；“按月开展的月数”须选择。"),
    )
    target = forms.DecimalField(
        label=_("目标值"), required=False, min_value=0, max_digits=10, decimal_places=1,
        help_text=_("按指标的单位填写：次数、月数、小时，比率按百分数（如 90）。"),
    )

    BINDING = ("figure", "activity_type", "target")
    KIND_FIELDS = {
        ItemKind.RESPONSIBILITY: ("title", "detail", "owner", "due_on", *BINDING),
        ItemKind.ASSESSMENT: ("title", "detail", "owner", "due_on", "max_points", *BINDING),
        ItemKind.PROBLEM: ("title", "detail", "source", "owner", "due_on"),
        ItemKind.RECTIFICATION: ("problem", "title", "detail", "owner", "due_on"),
    }

    def __init__(self, *args, kind, problems=(), item=None, **kwargs):
        if item is not None:
            kwargs.setdefault("initial", {
                "title": item.title, "detail": item.detail, "owner": item.owner, "due_on": item.due_on,
                "source": item.source, "problem": item.problem_id, "max_points": item.max_points,
                "figure": item.figure, "activity_type": (item.figure_params or {}).get("type"), "target": item.target,
            })
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = self.KIND_FIELDS[kind]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "problem" in self.fields:
            self.fields["problem"].choices = [(p.pk, p.title) for p in problems]
        if "figure" in self.fields:
            from assessments.life.models import ActivityType

            self.fields["figure"].choices = figure_choices()
            self.fields["activity_type"].queryset = ActivityType.objects.order_by("pk")
        if "due_on" in self.fields and kind == ItemKind.RECTIFICATION:
            self.fields["due_on"].required = True
            self.fields["due_on"].label = _("整改时限")
        if kind == ItemKind.PROBLEM:
            self.fields["title"].label = _("问题")
            self.fields["due_on"].help_text = _("可不填；整改时限在整改事项中定出。")
        if kind == ItemKind.RECTIFICATION:
            self.fields["title"].label = _("整改措施")

    def action_values(self) -> dict:
        values = {name: self.cleaned_data.get(name) for name in self.fields if name != "activity_type"}
        if "figure" in self.fields:
            kind = self.cleaned_data.get("activity_type")
            values["figure_params"] = {"type": kind.code} if kind is not None else {}
        return values


class ReasonForm(PlainForm):
    reason = forms.CharField(label=_("退回原因"), max_length=actions.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class MidyearForm(PlainForm):
    note = forms.CharField(label=_("年中检查意见"), max_length=actions.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4}))


class ReportForm(PlainForm):
    report_text = forms.CharField(
        label=_("书记述职报告"), max_length=actions.REPORT_MAX, widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("对照责任清单逐项说明落实情况、问题整改情况和下一步打算。"),
    )


class AppraiseForm(PlainForm):
    appraisal = forms.ChoiceField(label=_("评议等次"), choices=Appraisal.choices, widget=forms.RadioSelect)
    appraisal_note = forms.CharField(label=_("评议意见"), required=False, max_length=actions.APPRAISAL_NOTE_MAX,
                                     widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appraisal"].widget.attrs["class"] = "form-check-input"


class ProgressForm(PlainForm):
    note = forms.CharField(label=_("进展情况"), max_length=actions.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4}))


class FinishForm(PlainForm):
    """Completing an item or closing a rectification (销号): the result, and optionally one file."""

    note = forms.CharField(label=_("完成情况"), max_length=actions.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.FileField(
        label=_("佐证材料（可选）"), required=False,
        help_text=_("可不上传。最多 1 个文件，不超过 5 MB：PDF、Word、Excel、PowerPoint 或 JPG、PNG、WebP 图片。重在实效，不必留痕。"),
        widget=forms.ClearableFileInput(attrs={"accept": uploads.EVIDENCE_ACCEPT}),
    )

    activities = MultiplePickerField(None, label=_("引用组织生活记录"), required=False,
                                     help_text=_("本组织及下级组织登记的活动：输入主题或类型搜索。"))
    whistles = MultiplePickerField(None, label=_("引用已办结的吹哨事项"), required=False,
                                   help_text=_("本组织所在区域已办结的吹哨报到事项：输入编号或事项搜索。"))
    requests = MultiplePickerField(None, label=_("引用已办结的居民诉求"), required=False,
                                   help_text=_("本组织所在区域已办结的居民诉求：输入查询码或内容搜索。"))

    CITED = {"activities": "activity", "whistles": "whistle", "requests": "request"}

    def __init__(self, *args, closing=False, item=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if closing:
            self.fields["note"].label = _("整改结果")
            self.fields["evidence"].help_text = _("可不上传：优先引用下方的业务记录，上级审核时直接查看记录。") + str(
                self.fields["evidence"].help_text)
            for name, kind in self.CITED.items():
                field = self.fields[name]
                field.queryset = selectors.citable_records(user, item.checklist.org, kind)
                field.url = reverse("checklist:pick_records", args=[item.pk, kind])
                field.label_from_instance = lambda obj, kind=kind: selectors.record_label(kind, obj)
        else:
            for name in self.CITED:
                del self.fields[name]

    def cited(self) -> dict:
        return {kind: list(self.cleaned_data.get(name) or ()) for name, kind in self.CITED.items() if name in self.fields}
