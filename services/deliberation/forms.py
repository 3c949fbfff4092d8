"""Forms of residents' deliberation: the public proposal, support, comment and rating forms;
the staff forms of each step; the list filters.  Forms check shapes, the actions the rest."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ALL, DateInput, FilterForm, MultiplePickerField, PickerField, PlainForm
from organizations.areas.choices import AreaLevel
from organizations.areas.forms import AreaPickerField
from organizations.members.models import Member
from services.deliberation import actions
from services.deliberation.choices import OFFERED_WORK_KINDS, TopicStatus, WorkKind
from services.deliberation.models import MeetingRule, Topic
from services.resident.choices import Satisfaction
from services.resident.forms import ResidentRateForm, ResidentSubmitForm


class ProposeForm(ResidentSubmitForm):
    """民事民提 from a phone (no account)."""

    title = forms.CharField(label=_("想议的事"), max_length=actions.TITLE_MAX,
                            help_text=_("一句话，如：小区东门口能否加装充电桩。"))
    text = forms.CharField(label=_("具体情况"), max_length=actions.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))

    COMMUNITIES_URL = reverse_lazy("deliberation:public_communities")
    FIELDS = ("community", "building", "title", "text", "name", "phone")


class PhoneForm(PlainForm):
    phone = forms.CharField(label=_("手机号"), max_length=20, help_text=_("只用于确认每人附议一次和评价，不会公开。"),
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class SupportForm(PhoneForm):
    pass


class CommentForm(PhoneForm):
    text = forms.CharField(label=_("我的意见"), max_length=actions.COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(("text", "phone"))


class TopicRateForm(ResidentRateForm):
    rating = forms.ChoiceField(label=_("您对议事结果的评价"), choices=[("", _("请选择")), *Satisfaction.choices])

    LAST4_HELP = _("提议或附议时所留手机号的后四位。")


# ------------------------------------------------------------------------ staff
class EnterForm(PlainForm):
    community = AreaPickerField(label=_("社区"), levels=(AreaLevel.COMMUNITY,))
    title = forms.CharField(label=_("事项"), max_length=actions.TITLE_MAX)
    text = forms.CharField(label=_("具体情况"), max_length=actions.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    name = forms.CharField(label=_("提议人姓名（可选）"), required=False, max_length=actions.NAME_MAX)
    phone = forms.CharField(label=_("提议人手机号（可选）"), required=False, max_length=20,
                            help_text=_("留下手机号，提议人可凭后四位评价结果。"))

    def __init__(self, *args, user, fixed_community=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].scope_to(user)
        if fixed_community:
            del self.fields["community"]


class AcceptForm(PlainForm):
    question = forms.CharField(label=_("议题"), max_length=actions.QUESTION_MAX,
                               help_text=_("向居民公开的问题，如：东门口是否加装电动自行车充电桩？"))
    options = forms.CharField(label=_("备选方案（每行一个）"), widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("至少两个，可包括“维持现状”。"))
    facts = forms.CharField(label=_("了解到的情况（公开）"), required=False, max_length=actions.FACTS_MAX,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def clean_options(self):
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class MergeForm(PlainForm):
    into = PickerField(Topic.objects.none(), label=_("合并到议题"), help_text=_("输入议题的一部分搜索。"))

    def __init__(self, *args, targets, url, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = targets
        self.fields["into"].url = url


class DeclineForm(PlainForm):
    reason = forms.CharField(label=_("不予立项的原因（提议人可见）"), max_length=actions.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))


def _lines(value):
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class MeetingForm(PlainForm):
    rule = forms.ModelChoiceField(MeetingRule.objects.filter(is_active=True), label=_("议事规则"), empty_label=None)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("地点"), required=False, max_length=120)
    eligible = forms.IntegerField(label=_("应到表决人数"), min_value=1)
    members = MultiplePickerField(Member.objects.none(), label=_("参会党员"), required=False,
                                  help_text=_("输入姓名搜索党员。"))
    representatives = forms.CharField(label=_("参会居民代表（每行一人）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    property_company = forms.CharField(label=_("物业服务企业（每行一个）"), required=False, widget=forms.Textarea(attrs={"rows": 1}))
    owners_committee = forms.CharField(label=_("业主委员会成员（每行一人）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    units = forms.CharField(label=_("驻区单位（每行一个）"), required=False, widget=forms.Textarea(attrs={"rows": 1}))
    others = forms.CharField(label=_("网格长、楼门长、社工等（每行一人）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("会议记录"), required=False, max_length=actions.MINUTES_MAX,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, members, members_url, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].url = members_url

    def participants(self):
        data = self.cleaned_data
        rows = [{"kind": "member", "member": m} for m in data.get("members") or ()]
        for field, kind in (("representatives", "representative"), ("property_company", "property"),
                            ("owners_committee", "owners_committee"), ("units", "unit"), ("others", "grid")):
            rows += [{"kind": kind, "name": name} for name in _lines(data.get(field))]
        return rows


class VoteForm(PlainForm):
    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = list(options)
        for option in self.options:
            self.fields[f"option_{option.pk}"] = forms.IntegerField(label=_("“%(label)s”赞成票") % {"label": option.label},
                                                                   min_value=0, initial=0)

    def counts(self):
        return {o.pk: self.cleaned_data.get(f"option_{o.pk}") or 0 for o in self.options}


class DecideForm(PlainForm):
    reasons = forms.CharField(label=_("决定及理由（公开）"), max_length=actions.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class WorkForm(PlainForm):
    kind = forms.ChoiceField(label=_("落实方式"), choices=[(k.value, k.label) for k in OFFERED_WORK_KINDS])
    owner = forms.CharField(label=_("责任人"), max_length=actions.NAME_MAX)
    due = forms.DateField(label=_("完成时限"), widget=DateInput())
    category = forms.ModelChoiceField(None, label=_("诉求类别（派单办理时）"), required=False)
    contact_name = forms.CharField(label=_("联系人（派单办理时，默认提议人）"), required=False, max_length=actions.NAME_MAX)
    contact_phone = forms.CharField(label=_("联系电话（派单办理时，默认提议人）"), required=False, max_length=20)
    departments = MultiplePickerField(None, label=_("职能部门（吹哨时）"), required=False,
                                      url=reverse_lazy("whistles:pick_departments"))
    units = MultiplePickerField(None, label=_("驻区单位（吹哨时）"), required=False, url=reverse_lazy("whistles:pick_units"))

    def __init__(self, *args, user, **kwargs):
        from services.requests.models import RequestCategory
        from services.whistles import forms as whistle_forms

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = RequestCategory.objects.filter(is_active=True).order_by("pk")
        self.fields["departments"].queryset = whistle_forms.whistle_departments(user)
        self.fields["units"].queryset = whistle_forms.whistle_units(user)

    def values(self):
        data = dict(self.cleaned_data)
        return {"kind": data["kind"], "owner": data["owner"], "due": data["due"], "category": data.get("category"),
                "contact_name": data.get("contact_name") or "", "contact_phone": data.get("contact_phone") or "",
                "departments": list(data.get("departments") or ()), "units": list(data.get("units") or ())}


class CompleteForm(PlainForm):
    note = forms.CharField(label=_("办理结果（公开）"), max_length=actions.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


STAGES = [("", ALL), ("public", _("已立为议题（全部）")), ("settled", _("已办结（含已评价）")), *TopicStatus.choices]


class TopicFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("阶段"), required=False, choices=STAGES)
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    within = forms.IntegerField(label=_("区域编号"), required=False, min_value=1, widget=forms.HiddenInput)


__all__ = ["WorkKind"]
