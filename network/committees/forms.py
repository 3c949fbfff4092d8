"""Forms of the regional network: every organization, area, unit, department and seat is
chosen with a picker over the queryset the form validates against (never an id typed).
Forms check shapes; ``network.committees.actions`` checks the rest and its errors are put
back on the form."""
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian import trees
from dangjian.forms import ALL, DateInput, FilterForm, MultiplePickerField, PickerField, PlainForm
from network.committees import actions, selectors
from network.committees.choices import (
    COMMITTEE_LEVELS,
    CommitmentKind,
    CommitteeKind,
    ProblemShown,
    SeatRole,
)
from network.committees.models import CommitteeSeat
from organizations.areas.forms import AreaPickerField
from organizations.orgs.forms import OrgPickerField
from organizations.orgs.models import PartyOrg
from organizations.units.models import ResidentUnit
from services.whistles import forms as whistle_forms
from services.whistles.models import Department

DATETIME_FORMAT = whistle_forms.DATETIME_FORMAT


def seat_label(seat) -> str:
    party = seat.unit or seat.department
    person = f" · {seat.person_name}" if seat.person_name else ""
    return f"{party.name}{person}（{seat.get_role_display()}）"


def branch_label(org) -> str:
    return f"{org.name}（{org.area.name}）"


class SeatPickerField(MultiplePickerField):
    def label_from_instance(self, obj):
        return seat_label(obj)


class SeatChoiceField(PickerField):
    def label_from_instance(self, obj):
        return seat_label(obj)


class UnitChoiceField(PickerField):
    def label_from_instance(self, obj):
        return whistle_forms.unit_label(obj)


class DepartmentChoiceField(PickerField):
    def label_from_instance(self, obj):
        return whistle_forms.department_label(obj)


class BranchPickerField(PickerField):
    def label_from_instance(self, obj):
        return branch_label(obj)


# --------------------------------------------------------------------- the pickers' sets
def seat_units(user, committee):
    units_q, _departments_q = actions.seat_parties_q(committee)
    return ResidentUnit.objects.visible_to(user).filter(units_q).select_related("community").order_by("name", "pk")


def seat_departments(user, committee):
    _units_q, departments_q = actions.seat_parties_q(committee)
    return (Department.objects.visible_to(user).filter(departments_q).select_related("area")
            .order_by(*trees.preorder("area"), "name"))


def current_seats(committee):
    return (CommitteeSeat.objects.current().filter(committee=committee)
            .select_related("unit", "department").order_by("role", "pk"))


# ---------------------------------------------------------------------------- filters
class AreaFilterForm(FilterForm):
    """A list's filters, led by an area picker (an area of the user's subtree; the
    dashboard's tiles link here with ``?area=<id>``)."""

    area = AreaPickerField(label=_("区域"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].scope_to(user)


class CommitteeFilterForm(AreaFilterForm):
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", ALL), *CommitteeKind.choices])
    q = forms.CharField(label=_("名称"), required=False, max_length=50)


class ProblemFilterForm(AreaFilterForm):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", ALL), *ProblemShown.choices])
    q = forms.CharField(label=_("问题"), required=False, max_length=50)
    committee = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    waiting = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CommitmentFilterForm(AreaFilterForm):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", ALL), *CommitmentKind.choices])
    fulfilled = forms.ChoiceField(label=_("兑现"), required=False,
                                  choices=[("", ALL), ("yes", _("已兑现")), ("no", _("未兑现"))])
    committee = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class PairingFilterForm(AreaFilterForm):
    q = forms.CharField(label=_("支部名称"), required=False, max_length=50)


# ------------------------------------------------------------------------------ writes
class CommitteeForm(PlainForm):
    kind = forms.ChoiceField(label=_("类型"), choices=CommitteeKind.choices)
    name = forms.CharField(label=_("名称"), max_length=actions.NAME_MAX)
    area = AreaPickerField(label=_("所在区域"), levels=COMMITTEE_LEVELS,
                           help_text=_("街道大工委建在街道，社区大党委建在社区，联席会可建在区、街道或社区。"))
    convener = OrgPickerField(label=_("牵头党组织"), help_text=_("召集会议的党组织，如街道党工委、社区党委：输入名称搜索。"))
    established_on = forms.DateField(label=_("成立日期"), required=False, widget=DateInput())
    active = forms.BooleanField(label=_("运行中"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].scope_to(user)
        self.fields["convener"].scope_to(user)


class SeatForm(PlainForm):
    unit = UnitChoiceField(ResidentUnit.objects.none(), label=_("驻区单位"), required=False,
                           help_text=_("本区域内的驻区单位：输入名称搜索。"))
    department = DepartmentChoiceField(Department.objects.none(), label=_("或职能部门"), required=False,
                                       help_text=_("所在区、街道的职能部门（与驻区单位二选一）。"))
    person_name = forms.CharField(label=_("兼职委员姓名"), required=False, max_length=actions.PERSON_MAX)
    person_post = forms.CharField(label=_("在本单位的职务"), required=False, max_length=actions.PERSON_MAX)
    role = forms.ChoiceField(label=_("在联席组织中的职务"), choices=SeatRole.choices, initial=SeatRole.MEMBER)
    since = forms.DateField(label=_("起始日期"), required=False, widget=DateInput(), help_text=_("不填为今天。"))

    def __init__(self, *args, user, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = seat_units(user, committee)
        self.fields["unit"].url = reverse("committees:pick_units", args=[committee.pk])
        self.fields["department"].queryset = seat_departments(user, committee)
        self.fields["department"].url = reverse("committees:pick_departments", args=[committee.pk])

    def clean(self):
        data = super().clean()
        if bool(data.get("unit")) == bool(data.get("department")) and not self.errors:
            raise forms.ValidationError(_("请选择一个驻区单位或一个职能部门（只能选一个）。"))
        return data


class EndForm(PlainForm):
    until = forms.DateField(label=_("终止日期"), required=False, widget=DateInput(), help_text=_("不填为今天。"))


class MeetingForm(PlainForm):
    topic = forms.CharField(label=_("会议主题"), max_length=200)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=whistle_forms.DateTimeLocalInput(),
                                    input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=whistle_forms.DateTimeLocalInput(),
                                  input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("地点"), required=False, max_length=120)
    attending_seats = SeatPickerField(CommitteeSeat.objects.none(), label=_("出席单位"), required=False,
                                      help_text=_("本联席组织在任的成员单位：输入名称搜索，可多选。"))
    minutes = forms.CharField(label=_("会议纪要"), required=False, max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attending_seats"].queryset = current_seats(committee)
        self.fields["attending_seats"].url = reverse("committees:pick_seats", args=[committee.pk])


class ProblemForm(PlainForm):
    title = forms.CharField(label=_("问题"), max_length=actions.TITLE_MAX)
    description = forms.CharField(label=_("情况说明"), required=False, max_length=actions.TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    raised_by = SeatChoiceField(CommitteeSeat.objects.none(), label=_("提出单位（可选）"), required=False)

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_by"].queryset = current_seats(committee)
        self.fields["raised_by"].url = reverse("committees:pick_seats", args=[committee.pk])


class SettleForm(PlainForm):
    settlement = forms.CharField(label=_("解决情况"), max_length=actions.TEXT_MAX,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    settled_by = SeatChoiceField(CommitteeSeat.objects.none(), label=_("承诺解决的单位（可选）"), required=False)

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settled_by"].queryset = current_seats(committee)
        self.fields["settled_by"].url = reverse("committees:pick_seats", args=[committee.pk])


class DeclineForm(PlainForm):
    reason = forms.CharField(label=_("不予解决的原因"), max_length=actions.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ProblemWhistleForm(PlainForm):
    """The whistle form's pickers (``services.whistles.forms``), the area being the committee's."""

    title = forms.CharField(label=_("吹哨事项"), max_length=100)
    description = forms.CharField(label=_("情况说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    departments = whistle_forms.DepartmentPickerField(
        Department.objects.none(), label=_("职能部门"), required=False,
        help_text=_("区、街道的职能部门：输入名称搜索，可多选。"))
    units = whistle_forms.UnitPickerField(ResidentUnit.objects.none(), label=_("驻区单位"), required=False,
                                          help_text=_("本区域内的驻区单位：输入名称搜索，可多选。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = whistle_forms.whistle_departments(user)
        self.fields["departments"].url = reverse("whistles:pick_departments")
        self.fields["units"].queryset = whistle_forms.whistle_units(user)
        self.fields["units"].url = reverse("whistles:pick_units")


class CommitmentForm(PlainForm):
    seat = SeatChoiceField(CommitteeSeat.objects.none(), label=_("成员单位"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("类别"), choices=CommitmentKind.choices)
    content = forms.CharField(label=_("内容"), max_length=actions.CONTENT_MAX)
    amount = forms.DecimalField(label=_("金额（元）"), required=False, max_digits=12, decimal_places=2, min_value=0,
                                help_text=_("“一笔资金”必填。"))
    due = forms.DateField(label=_("完成期限"), required=False, widget=DateInput())

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = current_seats(committee)
        self.fields["seat"].url = reverse("committees:pick_seats", args=[committee.pk])


class FulfilForm(PlainForm):
    note = forms.CharField(label=_("兑现情况"), max_length=actions.REASON_MAX)
    fulfilled_on = forms.DateField(label=_("兑现日期"), required=False, widget=DateInput(), help_text=_("不填为今天。"))


class PairingForm(PlainForm):
    compound_branch = BranchPickerField(PartyOrg.objects.none(), label=_("小区党支部"))
    organ_branch = BranchPickerField(PartyOrg.objects.none(), label=_("机关党支部"))
    since = forms.DateField(label=_("结对日期"), required=False, widget=DateInput(), help_text=_("不填为今天。"))
    note = forms.CharField(label=_("共建内容"), required=False, max_length=actions.CONTENT_MAX)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound_branch"].queryset = selectors.compound_branches_for(user)
        self.fields["compound_branch"].url = reverse("committees:pick_compound_branches")
        self.fields["organ_branch"].queryset = selectors.organ_branches_for(user)
        self.fields["organ_branch"].url = reverse("committees:pick_organ_branches")
