"""Forms of 发展党员: the case (application received), the next-step form (only the steps
the rules allow now; pickers for the people and the meeting), the filters of the case list."""
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.life.models import Activity
from dangjian.forms import DateInput, FilterForm, MultiplePickerField, PickerField, PlainForm, _choices
from organizations.development import actions, selectors
from organizations.development.choices import Stage, StepKind
from organizations.members.choices import Gender
from organizations.members.models import Member
from organizations.orgs.forms import OrgPickerField


def member_label(member) -> str:
    return f"{member.name}（{member.get_status_display()}）"


def meeting_label(activity) -> str:
    return f"{timezone.localtime(activity.starts_at):%Y-%m-%d} {activity.topic}"


class CaseForm(PlainForm):
    organization = OrgPickerField(label=_("所在党支部"), help_text=_("输入党支部名称的一部分搜索。"))
    name = forms.CharField(label=_("申请人姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    birth_date = forms.DateField(label=_("出生日期"), widget=DateInput())
    phone = forms.CharField(label=_("手机号"), required=False, max_length=20)
    id_number = forms.CharField(label=_("身份证号"), required=False, max_length=18)
    applied_on = forms.DateField(label=_("递交入党申请书日期"), widget=DateInput())
    note = forms.CharField(label=_("情况记录"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].scope_to(
            user, queryset=selectors.manageable_branches(user).order_by("name", "pk"),
            url=reverse("organizations:development_pick_branches"))


class StepForm(PlainForm):
    """One step of the case; ``rule`` decides which of the extra fields it shows."""

    on = forms.DateField(label=_("办理日期"), widget=DateInput())
    people = MultiplePickerField(Member.objects.none(), label=_("人员"), required=False)
    hours = forms.IntegerField(label=_("培训学时"), required=False, min_value=0, max_value=1000)
    activity = PickerField(Activity.objects.none(), label=_("支部党员大会"), required=False,
                           empty_label=_("请选择会议"),
                           help_text=_("先在“组织生活”中登记本支部的支部党员大会及出席情况，再在此选择。"))
    votes_yes = forms.IntegerField(label=_("赞成票"), required=False, min_value=0)
    votes_no = forms.IntegerField(label=_("反对票"), required=False, min_value=0)
    votes_abstain = forms.IntegerField(label=_("弃权票"), required=False, min_value=0)
    votes_written = forms.IntegerField(label=_("其中书面意见"), required=False, min_value=0, initial=0)
    note = forms.CharField(label=_("情况记录"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("佐证材料（可选）"), required=False,
                               help_text=_("最多 %(n)d 个文件，每个不超过 5 MB。") % {"n": actions.EVIDENCE_MAX_FILES})

    VOTE_FIELDS = ("activity", "votes_yes", "votes_no", "votes_abstain", "votes_written")

    def __init__(self, *args, case, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.fields["on"].initial = timezone.localdate()
        if rule.kind in (StepKind.CONTACTS, StepKind.SPONSORS):
            self.fields["people"].queryset = selectors.full_members_of(case)
            self.fields["people"].label_from_instance = member_label
            self.fields["people"].url = reverse("organizations:development_pick_members", args=[case.pk])
            self.fields["people"].label = _("培养联系人") if rule.kind == StepKind.CONTACTS else _("入党介绍人")
            self.fields["people"].help_text = (
                _("本支部的正式党员1至2名：输入姓名搜索。") if rule.kind == StepKind.CONTACTS
                else _("本支部的正式党员2名：输入姓名搜索。"))
            self.fields["people"].required = True
        else:
            del self.fields["people"]
        if rule.kind != StepKind.TRAINING:
            del self.fields["hours"]
        else:
            self.fields["hours"].help_text = _("不少于3天或24个学时。")
        if rule.kind == StepKind.VOTE:
            self.fields["activity"].queryset = selectors.branch_meetings(case)
            self.fields["activity"].label_from_instance = meeting_label
            self.fields["activity"].url = reverse("organizations:development_pick_meetings", args=[case.pk])
            self.fields["activity"].required = True
            for name in ("votes_yes", "votes_no", "votes_abstain"):
                self.fields[name].required = True
        else:
            for name in self.VOTE_FIELDS:
                del self.fields[name]


class ExtendForm(PlainForm):
    months = forms.TypedChoiceField(label=_("延长预备期"), coerce=int,
                                    choices=[(m, _("%(n)d个月") % {"n": m}) for m in actions.EXTENSION_MONTHS])
    note = forms.CharField(label=_("支部大会决定"), required=False, max_length=200)


class CaseFilterForm(FilterForm):
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)
    stage = forms.ChoiceField(label=_("阶段"), required=False, choices=_choices(Stage))
    due = forms.ChoiceField(label=_("到期"), required=False,
                            choices=[("", _("全部")), ("month", _("本月到期")), ("overdue", _("已逾期")),
                                     ("todo", _("逾期或本月到期"))])
