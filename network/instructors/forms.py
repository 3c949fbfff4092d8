from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.forms import BlankTextInput, DateInput, FilterForm, PickerField, PlainForm
from dangjian.privacy import mask_phone
from network.instructors import selectors
from network.instructors.choices import InstructorSource, VisitKind
from organizations.areas.forms import AreaPickerField
from organizations.members import selectors as members_selectors
from organizations.members.models import Member
from organizations.units.models import ResidentUnit


def member_label(member) -> str:
    return f"{member.name}（{member.organization.name}）"


def pickable_members(user):
    return members_selectors.members_for(user).select_related("organization").order_by("name", "pk")


class MemberPickerField(PickerField):
    def label_from_instance(self, obj):
        return member_label(obj)


class UnitPickerField(PickerField):
    def label_from_instance(self, obj):
        return selectors.unit_label(obj)


class InstructorForm(PlainForm):
    member = MemberPickerField(Member.objects.none(), label=_("党员档案"), required=False, empty_label=_("不是本系统党员"),
                               help_text=_("输入党员姓名的一部分搜索；退休干部等非本系统党员可只填姓名。"))
    name = forms.CharField(label=_("姓名"), max_length=50, required=False,
                           help_text=_("选择了党员档案时可留空，取档案中的姓名。"))
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20, widget=BlankTextInput())
    area = AreaPickerField(label=_("选派区域"), help_text=_("选派该指导员的区、街道或社区。"))
    source = forms.ChoiceField(label=_("来源"), choices=InstructorSource.choices)
    appointed_on = forms.DateField(label=_("选派日期"), widget=DateInput())
    ended_on = forms.DateField(label=_("结束日期"), required=False, widget=DateInput(),
                               help_text=_("填写后该指导员不再在任，其联系单位一并结束。"))
    active = forms.BooleanField(label=_("在任"), required=False, initial=True)

    def __init__(self, *args, user, instance=None, **kwargs):
        self.user, self.instance = user, instance
        if instance is not None:
            kwargs.setdefault("initial", {
                "member": instance.member_id, "name": instance.name, "area": instance.area_id,
                "source": instance.source, "appointed_on": instance.appointed_on,
                "ended_on": instance.ended_on, "active": instance.active,
            })
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = pickable_members(user)
        self.fields["member"].url = reverse_lazy("instructors:pick_members")
        self.fields["area"].scope_to(user, keep=instance.area if instance else None)
        if instance is not None:
            self.fields["phone"].help_text = _("留空则保留原值（%(masked)s）。") % {
                "masked": mask_phone(instance.phone) or _("未登记")}

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        if value and not all(ch.isdigit() or ch in "-+ " for ch in value):
            raise ValidationError(_("联系电话只能包含数字和“-”。"), code="invalid_phone")
        return value

    def clean(self):
        data = super().clean()
        if not data.get("name") and not data.get("member") and not self.errors:
            self.add_error("name", _("请填写指导员姓名，或选择党员档案。"))
        return data

    def action_values(self) -> dict:
        data = self.cleaned_data
        values = {k: data[k] for k in ("member", "area", "source", "appointed_on", "ended_on", "active")}
        values["name"] = data["name"] or (data["member"].name if data["member"] else "")
        if data["phone"] or self.instance is None:
            values["phone"] = data["phone"]
        return values


class AssignForm(PlainForm):
    unit = UnitPickerField(ResidentUnit.objects.none(), label=_("联系单位"),
                           help_text=_("非公企业、社会组织和物业服务企业；括号中注明是否已建党组织。"))
    started_on = forms.DateField(label=_("开始日期"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"started_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.servable_units(user)
        self.fields["unit"].url = reverse_lazy("instructors:pick_units")


class EndAssignmentForm(PlainForm):
    ended_on = forms.DateField(label=_("结束日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"ended_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class VisitForm(PlainForm):
    visited_on = forms.DateField(label=_("走访日期"), widget=DateInput())
    kind = forms.ChoiceField(label=_("指导内容"), choices=VisitKind.choices)
    note = forms.CharField(label=_("情况记录"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"visited_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


ACTIVE_CHOICES = [("", _("全部")), ("1", _("在任")), ("0", _("已离任"))]


class InstructorFilterForm(FilterForm):
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)
    area = AreaPickerField(label=_("选派区域"), required=False, empty_label=_("全部"))
    active = forms.ChoiceField(label=_("状态"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].scope_to(user)


class AreaFilterForm(FilterForm):
    area = AreaPickerField(label=_("区域"), required=False, empty_label=_("全部"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].scope_to(user)
