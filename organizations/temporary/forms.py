from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.forms import DateInput, FilterForm, MultiplePickerField, PlainForm, _choices
from organizations.areas.forms import AreaPickerField
from organizations.members.models import Member
from organizations.orgs import selectors as orgs_selectors
from organizations.orgs.choices import OrgKind
from organizations.orgs.forms import OrgPickerField
from organizations.temporary import selectors
from organizations.temporary.choices import TemporaryPurpose, TemporaryStatus

# the organizations that may set up a temporary branch under themselves
ESTABLISHING_KINDS = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH)


def establishing_orgs(user):
    return orgs_selectors.pickable_orgs(user).filter(kind__in=ESTABLISHING_KINDS)


class MembersPickerField(MultiplePickerField):
    def label_from_instance(self, obj):
        return selectors.member_label(obj)


class TemporaryBranchForm(PlainForm):
    parent = OrgPickerField(label=_("组建单位（上级党组织）"), help_text=_("输入党委、党工委或党总支名称的一部分搜索。"))
    name = forms.CharField(label=_("临时党支部名称"), max_length=120)
    purpose = forms.ChoiceField(label=_("组建事由"), choices=TemporaryPurpose.choices)
    project_name = forms.CharField(label=_("项目（任务）名称"), max_length=120)
    started_on = forms.DateField(label=_("成立日期"), widget=DateInput())
    expected_end = forms.DateField(label=_("预计结束日期"), widget=DateInput())
    members = MembersPickerField(Member.objects.none(), label=_("借调党员"), required=False,
                                 help_text=_("输入党员姓名搜索，可多选；党员的组织关系仍在原支部。"))

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"started_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["parent"].scope_to(user, queryset=establishing_orgs(user),
                                       url=reverse_lazy("organizations:temporary_pick_parents"))
        self.fields["members"].queryset = selectors.pickable_members(user)
        self.fields["members"].url = reverse_lazy("organizations:temporary_pick_members")

    def clean(self):
        data = super().clean()
        if data.get("started_on") and data.get("expected_end") and data["expected_end"] < data["started_on"]:
            self.add_error("expected_end", _("预计结束日期不能早于成立日期。"))
        return data


class SecondForm(PlainForm):
    members = MembersPickerField(Member.objects.none(), label=_("借调党员"),
                                 help_text=_("输入党员姓名搜索，可多选；党员的组织关系仍在原支部。"))
    started_on = forms.DateField(label=_("借调开始"), widget=DateInput())

    def __init__(self, *args, user, branch, **kwargs):
        kwargs.setdefault("initial", {"started_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = selectors.pickable_members(user, branch)
        self.fields["members"].url = reverse_lazy("organizations:temporary_pick_members")


class EndSecondmentForm(PlainForm):
    ended_on = forms.DateField(label=_("借调结束"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"ended_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class DissolveForm(PlainForm):
    dissolved_on = forms.DateField(label=_("撤销日期"), widget=DateInput())
    note = forms.CharField(label=_("撤销说明"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"dissolved_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class TemporaryFilterForm(FilterForm):
    q = forms.CharField(label=_("名称或项目"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_choices(TemporaryStatus))
    org = OrgPickerField(label=_("党组织"), required=False, empty_label=_("全部"))
    area = AreaPickerField(label=_("区域"), required=False, empty_label=_("全部"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].scope_to(user)
        self.fields["area"].scope_to(user)
