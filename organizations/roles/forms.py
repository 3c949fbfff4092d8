"""Forms of people in several roles, 换届 and leader links.  People, organizations, areas and
units are picked from the user's subtree, never typed."""
from datetime import date

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.forms import DateInput, FilterForm, PickerField, PlainForm, _choices
from organizations.areas.choices import AreaLevel
from organizations.areas.forms import AreaPickerField
from organizations.members.models import Member
from organizations.orgs.forms import OrgPickerField
from organizations.roles import selectors
from organizations.roles.choices import WINDOW_CHOICES, Body, LinkKind, Post
from organizations.units.models import ResidentUnit


class MemberPickerField(PickerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", _("请选择"))
        super().__init__(Member.objects.none(), **kwargs)
        self.widget.attrs.setdefault("data-picker-placeholder", str(_("输入姓名的一部分搜索")))

    def label_from_instance(self, obj):
        return selectors.member_label(obj)

    def scope_to(self, user):
        self.queryset = selectors.pickable_members(user)
        self.url = reverse("organizations:roles_pick_members")


class UnitPickerField(PickerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", _("请选择"))
        super().__init__(ResidentUnit.objects.none(), **kwargs)
        self.widget.attrs.setdefault("data-picker-placeholder", str(_("输入单位名称的一部分搜索")))

    def label_from_instance(self, obj):
        return selectors.unit_label(obj)

    def scope_to(self, user):
        self.queryset = selectors.pickable_units(user)
        self.url = reverse("organizations:roles_pick_units")


class PositionForm(PlainForm):
    member = MemberPickerField(label=_("人员"), help_text=_("输入党员姓名的一部分搜索。"))
    body = forms.ChoiceField(label=_("班子"), choices=Body.choices)
    org = OrgPickerField(label=_("党组织"), required=False, help_text=_("班子为党组织委员会时选择。"))
    place = AreaPickerField(label=_("社区或小区"), required=False, levels=(AreaLevel.COMMUNITY, AreaLevel.COMPOUND),
                            help_text=_("居委会、业委会、村务监督委员会、社区工作站所在的社区或小区。"))
    unit = UnitPickerField(label=_("物业服务企业"), required=False, help_text=_("班子为物业服务企业时选择。"))
    post = forms.ChoiceField(label=_("职务"), choices=Post.choices)
    started_on = forms.DateField(label=_("任职起始"), widget=DateInput())
    ended_on = forms.DateField(label=_("任职截止"), required=False, widget=DateInput(), help_text=_("现任的不填。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].scope_to(user)
        self.fields["org"].scope_to(user)
        self.fields["place"].scope_to(user)
        self.fields["unit"].scope_to(user)


class EndPositionForm(PlainForm):
    ended_on = forms.DateField(label=_("任职截止"), widget=DateInput())


class PositionFilterForm(FilterForm):
    q = forms.CharField(label=_("姓名或社区"), required=False, max_length=50)
    body = forms.ChoiceField(label=_("班子"), required=False, choices=_choices(Body))
    current = forms.BooleanField(label=_("只看现任"), required=False)


class CommunityFilterForm(FilterForm):
    q = forms.CharField(label=_("社区名称"), required=False, max_length=50)
    yjt = forms.ChoiceField(label=_("一肩挑"), required=False,
                            choices=[("", _("全部")), ("1", _("一肩挑")), ("0", _("未一肩挑"))])


class TermFilterForm(FilterForm):
    within = AreaPickerField(label=_("区域"), required=False)
    window = forms.TypedChoiceField(label=_("到期时间"), required=False, coerce=int, choices=WINDOW_CHOICES,
                                    empty_value=None)
    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=[("", _("即将到期和已到期")), ("due", _("即将到期")), ("overdue", _("已到期"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].scope_to(user)


class RenewForm(PlainForm):
    elected_on = forms.DateField(label=_("换届选举日期"), widget=DateInput())
    secretary = MemberPickerField(label=_("新任书记"), required=False, help_text=_("不变的可不选。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].scope_to(user)


class LinkFilterForm(FilterForm):
    within = AreaPickerField(label=_("区域"), required=False)
    q = forms.CharField(label=_("姓名、职务或社区"), required=False, max_length=50)
    behind = forms.ChoiceField(label=_("进度"), required=False,
                               choices=[("", _("全部")), ("1", _("落后")), ("0", _("正常"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].scope_to(user)


class LinkForm(PlainForm):
    community = AreaPickerField(label=_("联系社区"), levels=(AreaLevel.COMMUNITY,))
    kind = forms.ChoiceField(label=_("联系方式"), choices=LinkKind.choices)
    leader_name = forms.CharField(label=_("姓名"), max_length=50)
    leader_post = forms.CharField(label=_("职务"), max_length=80, help_text=_("如：区委常委、组织部长；区民政局局长"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    required_days = forms.DecimalField(label=_("每年驻点天数"), required=False, max_digits=5, decimal_places=1,
                                       min_value=0.5, help_text=_("领导联系社区：如每年两周即 14 天。"))
    visits_per_month = forms.IntegerField(label=_("每月走访次数"), required=False, min_value=1, max_value=10,
                                          help_text=_("部门负责人：每月 1–2 次。"))

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year, "required_days": 14, "visits_per_month": 2})
        super().__init__(*args, **kwargs)
        self.fields["community"].scope_to(user)


class VisitForm(PlainForm):
    on = forms.DateField(label=_("日期"), widget=DateInput(), initial=date.today)
    days = forms.DecimalField(label=_("天数"), max_digits=4, decimal_places=1, min_value=0.5, initial=1,
                              help_text=_("以半天为单位：0.5、1、1.5……"))
    note = forms.CharField(label=_("内容"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
