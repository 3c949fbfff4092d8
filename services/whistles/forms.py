"""Forms of 吹哨报到: the new-whistle form, the target action forms, the list filters, the
三率 period and weighting, departments and their accounts.  Forms check shapes;
``services.whistles.actions`` checks the rest and its errors are put back on the form."""
from datetime import date

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian import trees
from dangjian.forms import ALL, FilterForm, MultiplePickerField, PickerField, PlainForm
from dangjian.scoping import InArea
from organizations.areas.models import Area
from organizations.units.models import ResidentUnit
from services.resident.choices import Satisfaction
from services.whistles import actions as whistle_actions
from services.whistles import permissions, rates
from services.whistles.choices import WhistleStatus
from services.whistles.models import Department

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def area_label(obj):
    return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return area_label(obj)


class AreaPickerField(PickerField):
    def label_from_instance(self, obj):
        return area_label(obj)


def department_label(obj):
    return f"{obj.name}（{obj.area.name}）"


def unit_label(obj):
    return f"{obj.name}（{obj.community.name}）"


class DepartmentPickerField(MultiplePickerField):
    def label_from_instance(self, obj):
        return department_label(obj)


class UnitPickerField(MultiplePickerField):
    def label_from_instance(self, obj):
        return unit_label(obj)


# The whistle form's choices; its pickers (``whistles:pick_*``) list the same querysets.
def whistle_areas(user):
    """Streets and communities the user may whistle from."""
    qs = Area.objects.filter(level__in=permissions.WHISTLE_LEVELS).granted(user, InArea("", permissions.WHISTLE_ROLES))
    return qs.select_related("parent").order_by(*trees.tree_order())


def whistle_departments(user):
    return Department.objects.visible_to(user).filter(is_active=True).select_related("area").order_by(
        *trees.preorder("area"), "name")


def whistle_units(user):
    return ResidentUnit.objects.visible_to(user).select_related("community").order_by("name", "pk")


class WhistleForm(PlainForm):
    area = AreaPickerField(Area.objects.none(), label=_("吹哨区域"), empty_label=_("请选择街道或社区"),
                           url=reverse_lazy("whistles:pick_areas"), help_text=_("输入街道或社区名称的一部分搜索。"))
    title = forms.CharField(label=_("吹哨事项"), max_length=whistle_actions.TITLE_MAX)
    description = forms.CharField(label=_("情况说明"), max_length=whistle_actions.DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    departments = DepartmentPickerField(Department.objects.none(), label=_("职能部门"), required=False,
                                        url=reverse_lazy("whistles:pick_departments"),
                                        help_text=_("区、街道的职能部门：输入名称搜索，可多选。"))
    units = UnitPickerField(ResidentUnit.objects.none(), label=_("驻区单位"), required=False,
                            url=reverse_lazy("whistles:pick_units"), help_text=_("吹哨区域内的驻区单位：输入名称搜索，可多选。"))
    report_due = forms.DateTimeField(label=_("报到截止"), required=False, widget=DateTimeLocalInput(),
                                     input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
                                     help_text=_("不填默认 24 小时内报到。"))
    resolve_due = forms.DateTimeField(label=_("办结截止"), required=False, widget=DateTimeLocalInput(),
                                      input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
                                      help_text=_("不填默认 7 天内办结。"))
    request = forms.IntegerField(required=False, widget=forms.HiddenInput)
    diary = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = whistle_areas(user)
        self.fields["departments"].queryset = whistle_departments(user)
        self.fields["units"].queryset = whistle_units(user)


class ReportForm(PlainForm):
    note = forms.CharField(label=_("报到说明（可选）"), required=False, max_length=whistle_actions.REASON_MAX,
                           widget=forms.TextInput(attrs={"placeholder": _("如：已安排专人对接")}))


class ResolveForm(PlainForm):
    answer = forms.CharField(label=_("办理结果"), max_length=whistle_actions.ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(PlainForm):
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect,
                                     initial=Satisfaction.SATISFIED)
    note = forms.CharField(label=_("评价意见（可选）"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"].widget.attrs["class"] = "form-check-input"


class ReasonForm(PlainForm):
    reason = forms.CharField(label=_("原因"), max_length=whistle_actions.REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class WhistleFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", ALL), *WhistleStatus.choices])
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
    mine = forms.BooleanField(label=_("升级到我"), required=False)
    q = forms.CharField(label=_("编号或事项"), required=False, max_length=50)
    area = forms.IntegerField(label=_("区域编号"), required=False, min_value=1, widget=forms.HiddenInput)
    # the dashboard's figures link here: whistles made in the period, the withdrawn left out
    period = forms.CharField(label=_("周期"), required=False, max_length=10, widget=forms.HiddenInput)
    counted = forms.BooleanField(label=_("按统计口径（不含已撤回）"), required=False, widget=forms.HiddenInput)


WEIGHTING_CHOICES = [(name, rates.WEIGHTING_LABELS[name]) for name in rates.WEIGHTINGS]


class RatesForm(FilterForm):
    start = forms.DateField(label=_("吹哨日期自"), required=False, widget=DateInput())
    end = forms.DateField(label=_("至"), required=False, widget=DateInput())
    weighting = forms.ChoiceField(label=_("权重"), required=False, choices=WEIGHTING_CHOICES)
    area = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def period(self):
        values = self.filters()
        today = timezone.localdate()
        start = values.get("start") or today.replace(month=1, day=1)
        end = values.get("end") or today
        if end < start:
            start, end = end, start
        return start, end

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weighting"].initial = rates.default_weighting()

    def chosen_weighting(self):
        return self.filters().get("weighting") or rates.default_weighting()


class OwnRatesForm(RatesForm):
    """A department's or unit's own 三率: the period (the last twelve months by default, for
    the monthly trend), the weighting, and one of the user's parties (``department-<id>``)."""

    area = None
    party = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def period(self):
        values = self.filters()
        today = timezone.localdate()
        end = values.get("end") or today
        back = end.year * 12 + end.month - 1 - 11  # eleven months before the end's
        start = values.get("start") or date(back // 12, back % 12 + 1, 1)
        if end < start:
            start, end = end, start
        return start, end


class DepartmentForm(PlainForm):
    area = AreaChoiceField(label=_("所属区域"), queryset=Area.objects.none(), empty_label=_("请选择区或街道"))
    name = forms.CharField(label=_("部门名称"), max_length=100)
    phone = forms.CharField(label=_("值班电话"), required=False, max_length=30)
    is_active = forms.BooleanField(label=_("有效"), required=False, initial=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Area.objects.filter(level__in=whistle_actions.DEPARTMENT_LEVELS).granted(user, InArea("", permissions.DEPARTMENT_ROLES))
        self.fields["area"].queryset = qs.select_related("parent").order_by(*trees.tree_order())


class ResponderForm(PlainForm):
    username = forms.CharField(label=_("账号"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), required=False, max_length=150)
    password = forms.CharField(label=_("初始密码"), required=False, widget=forms.PasswordInput(render_value=False),
                               help_text=_("新建账号时必填（至少 10 位，含两类以上字符，不能是常见密码）；已有账号留空。"))
