"""Forms of 经费: an allocation (recipient by picker: an organization or a community), a
spending (allocation and project by picker, evidence upload), the import upload and the
list filters."""
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ALL, ActionForm, DateInput, FilterForm, PickerField, PlainForm
from network.funds import selectors
from network.funds.choices import FundPurpose, SpendingCategory
from network.funds.models import FundAllocation, FundSpending
from network.projects.models import ServiceProject
from organizations.areas.choices import AreaLevel
from organizations.areas.forms import AreaPickerField
from organizations.orgs.forms import OrgPickerField


class AllocationPickerField(PickerField):
    def label_from_instance(self, obj):
        return selectors.allocation_label(obj)


class ProjectPickerField(PickerField):
    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.area.name}）"


def spendable_projects(user):
    from network.projects import selectors as project_selectors
    from network.projects.choices import ProjectStatus

    return (project_selectors.projects_for(user).filter(status__in=(ProjectStatus.DRAFT, ProjectStatus.RUNNING))
            .select_related("area").order_by("-starts_on", "-pk"))


class AllocationForm(ActionForm):
    org = OrgPickerField(label=_("受拨党组织"), required=False, help_text=_("输入党组织名称搜索；与“受拨社区”二选一。"))
    area = AreaPickerField(label=_("受拨社区"), levels=(AreaLevel.COMMUNITY,), required=False,
                           help_text=_("输入社区名称搜索；与“受拨党组织”二选一。"))

    class Meta:
        model = FundAllocation
        fields = ["year", "purpose", "org", "area", "amount", "source", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["org"].scope_to(user)
        self.fields["area"].scope_to(user)
        self.fields["amount"].help_text = _("单位：元，精确到分。")
        if not self.is_bound and not self.initial.get("year"):
            self.initial["year"] = timezone.localdate().year

    def clean(self):
        data = super().clean()
        if (data.get("org") is None) == (data.get("area") is None) and not self.errors.get("org") and not self.errors.get("area"):
            self.add_error("org", _("受拨对象须是一个党组织或一个社区（二选一）。"))
        return data


class SpendingForm(ActionForm):
    allocation = AllocationPickerField(FundAllocation.objects.none(), label=_("支出经费"),
                                       help_text=_("输入受拨对象名称搜索本单位的经费。"))
    project = ProjectPickerField(ServiceProject.objects.none(), label=_("服务项目"), required=False,
                                 empty_label=_("不属于服务项目"))

    class Meta:
        model = FundSpending
        fields = ["allocation", "spent_on", "category", "amount", "description", "project", "evidence"]
        widgets = {"spent_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["allocation"].queryset = selectors.spendable_allocations(user)
        self.fields["allocation"].url = reverse("funds:pick_allocations")
        self.fields["project"].queryset = spendable_projects(user)
        self.fields["project"].url = reverse("funds:pick_projects")
        self.fields["amount"].help_text = _("单位：元，精确到分；不能超过经费余额。")
        self.fields["evidence"].help_text = _("可选：票据照片或 PDF，不超过 5 MB。")
        if not self.is_bound and not self.initial.get("spent_on"):
            self.initial["spent_on"] = timezone.localdate()


class FundFilterForm(FilterForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    purpose = forms.ChoiceField(label=_("用途"), required=False, choices=[("", ALL), *FundPurpose.choices])
    within = AreaPickerField(label=_("区域"), required=False, empty_label=ALL)
    q = forms.CharField(label=_("受拨对象"), required=False, max_length=50)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].scope_to(user)


class SpendingFilterForm(FilterForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[("", ALL), *SpendingCategory.choices])
    within = AreaPickerField(label=_("区域"), required=False, empty_label=ALL)
    q = forms.CharField(label=_("说明"), required=False, max_length=50)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].scope_to(user)


class TotalsForm(FilterForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    within = AreaPickerField(label=_("区域"), required=False, empty_label=_("我的管辖范围"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].scope_to(user)


class ImportForm(PlainForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("经费下拨表（.xlsx）"), help_text=_("请使用“导出”得到的表格填写。"))
