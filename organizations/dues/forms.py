"""Forms of dues.  They check shapes; ``organizations.dues.actions`` checks the rules and its
errors are put back on the form (``dangjian.forms.attach_errors``).  The member is chosen
among the branch's own members (a bounded list: a branch has at most a few dozen)."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.forms import DateInput, FilterForm, PlainForm
from organizations.dues.choices import MAX_ADVANCE_MONTHS, DuesCategory

MONTHS = [(m, _("%(m)d月") % {"m": m}) for m in range(1, 13)]


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _BranchMemberForm(PlainForm):
    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class MonthField(forms.DateField):
    """A month typed as ``2026-11`` (an ``<input type="month">``): its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class PaymentForm(_BranchMemberForm):
    member = MemberChoiceField(label=_("党员"), queryset=None)
    first_month = MonthField(label=_("从哪个月起"))
    count = forms.IntegerField(label=_("月数"), min_value=1, max_value=MAX_ADVANCE_MONTHS, initial=1,
                               help_text=_("一次交纳多个月（预交或补缴）时填写月数，每月一条记录"))
    paid_on = forms.DateField(label=_("交纳日期"), widget=DateInput(), initial=timezone.localdate)
    amount_paid = forms.DecimalField(label=_("实交金额（元，单月）"), max_digits=10, decimal_places=2, required=False,
                                     min_value=0, help_text=_("留空按应交金额登记"))


class ExemptForm(_BranchMemberForm):
    member = MemberChoiceField(label=_("党员"), queryset=None)
    first_month = MonthField(label=_("从哪个月起"))
    count = forms.IntegerField(label=_("月数"), min_value=1, max_value=MAX_ADVANCE_MONTHS, initial=1)
    reason = forms.CharField(label=_("免交原因"), max_length=200)


class BaseForm(_BranchMemberForm):
    member = MemberChoiceField(label=_("党员"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    from_month = forms.TypedChoiceField(label=_("起始月份"), choices=MONTHS, coerce=int, initial=1,
                                        help_text=_("年中收入变化的，从变化当月起按新基数计算"))
    category = forms.ChoiceField(label=_("党员类别"), choices=DuesCategory.choices)
    base = forms.DecimalField(label=_("税后月收入（元）"), max_digits=10, decimal_places=2, required=False, min_value=0,
                              help_text=_("在职、离退休党员填写；学生、失业、低保等按定额交纳，可不填"))
    declared_on = forms.DateField(label=_("申报日期"), widget=DateInput(), initial=timezone.localdate)


class YearForm(FilterForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)


class ImportForm(PlainForm):
    file = forms.FileField(label=_("党费收缴表（.xlsx）"),
                           help_text=_("请先导出本支部的月度收缴表，填写“实交金额”“交纳日期”或“免交原因”后上传。"))
