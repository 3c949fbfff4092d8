"""Forms of 双报到: board filters, the quarter picker of the exports, the report-in forms and
the co-building agreement form.  Forms check shapes; ``services.checkins.actions`` checks
scope, roles and the rules, and its errors are put back on the form (``attach_errors``)."""
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ALL, DateInput, FilterForm, PickerField, PlainForm
from organizations.areas.models import Area
from organizations.members.models import Member
from organizations.orgs.forms import OrgPickerField
from organizations.orgs.models import PartyOrg
from services.checkins import actions, rules, selectors
from services.checkins.choices import AgreementStatus

QUARTERS = [(1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))]


class BoardFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("报到状态"), required=False, choices=[("", ALL), *selectors.ReportStatus.choices])
    employer = forms.CharField(label=_("工作单位"), required=False, max_length=60)
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)


class YearForm(FilterForm):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)


class QuarterForm(FilterForm):
    """Year and quarter of an export (defaults: the current quarter)."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("季度"), choices=QUARTERS, coerce=int)

    def period(self, today=None) -> tuple[int, int]:
        today = today or timezone.localdate()
        default = (today.year, rules.quarter_of(today))
        if not self.is_bound or not self.is_valid():
            return default
        return self.cleaned_data["year"], self.cleaned_data["quarter"]


def quarter_form(data=None, today=None):
    today = today or timezone.localdate()
    initial = {"year": today.year, "quarter": rules.quarter_of(today)}
    bound = data if data and ("year" in data or "quarter" in data) else None
    # ids of their own: the page that offers the export also filters by year (id_year)
    return QuarterForm(bound, initial=initial, auto_id="id_sheet_%s")


def member_label(obj):
    employer = obj.employer_org.name if obj.employer_org_id else obj.employer
    return f"{obj.name}（{employer}）" if employer else obj.name


class MemberPickerField(PickerField):
    def label_from_instance(self, obj):
        return member_label(obj)


def report_in_members(community):
    """Whom a cadre may register a report for: the community's in-service residents (the
    form's queryset and its picker's, ``reporting:pick_residents``)."""
    return selectors.in_service_residents(community).select_related("employer_org").order_by("name", "pk")


class ReportInForm(PlainForm):
    """A cadre registers an in-service member's report on their behalf."""

    member = MemberPickerField(Member.objects.none(), label=_("在职党员"), empty_label=_("请选择党员"),
                               help_text=_("输入姓名的一部分搜索本社区的在职党员。"))
    reported_on = forms.DateField(label=_("报到日期"), widget=DateInput())
    skills = forms.CharField(label=_("特长与服务意向"), required=False, max_length=actions.SKILLS_MAX,
                             help_text=_("如：法律咨询、义诊、辅导功课、维修家电。"))

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = report_in_members(community) if community is not None else Member.objects.none()
        if community is not None:
            self.fields["member"].url = reverse("reporting:pick_residents", args=[community.pk])
        self.initial.setdefault("reported_on", timezone.localdate())


class SelfReportForm(PlainForm):
    """The member's own "我要报到"."""

    skills = forms.CharField(label=_("特长与服务意向（可选）"), required=False, max_length=actions.SKILLS_MAX,
                             help_text=_("如：法律咨询、义诊、辅导功课、维修家电。"))


class AgreementFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", ALL), *AgreementStatus.choices])
    q = forms.CharField(label=_("协议或组织名称"), required=False, max_length=60)
    community = forms.IntegerField(label=_("社区编号"), required=False, min_value=1, widget=forms.HiddenInput)


class BranchChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.area.name}）"


def reporting_orgs(user):
    """The agreement form's organizations (its picker ``reporting:pick_orgs`` lists the same)."""
    return selectors.reporting_orgs_for(user).select_related("area").order_by("name", "pk")


class AgreementForm(PlainForm):
    org = OrgPickerField(label=_("报到党组织"), help_text=_("机关、事业单位、企业等单位党组织：输入名称的一部分搜索。"))
    title = forms.CharField(label=_("协议名称"), max_length=actions.TITLE_MAX)
    text = forms.CharField(label=_("共建内容"), max_length=actions.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("共建项目、服务承诺、联系人等。"))
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput())
    branches = BranchChoiceField(label=_("结对小区党支部"), required=False, queryset=PartyOrg.objects.none(),
                                 widget=forms.CheckboxSelectMultiple)

    FIELDS = ("title", "text", "starts_on", "ends_on", "branches")

    def __init__(self, *args, user, community: Area, agreement=None, **kwargs):
        if agreement is not None:
            kwargs.setdefault("initial", {
                "title": agreement.title, "text": agreement.text, "starts_on": agreement.starts_on,
                "ends_on": agreement.ends_on, "branches": list(agreement.branches.values_list("pk", flat=True)),
            })
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = selectors.community_branches(community).select_related("area")
        self.fields["branches"].widget.attrs["class"] = "form-check-input"
        if agreement is not None:
            del self.fields["org"]
        else:
            self.fields["org"].scope_to(user, queryset=reporting_orgs(user), url=reverse("reporting:pick_orgs"))

    def action_values(self) -> dict:
        values = {name: self.cleaned_data.get(name) for name in self.FIELDS}
        values["branches"] = list(values["branches"] or [])
        return values
