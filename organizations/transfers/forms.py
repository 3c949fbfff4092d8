"""Forms of 组织关系转接: start a transfer, the reasons of a step, register an incoming member
from a letter, a member's contact state, the list filters.  Organizations are picked, never
typed: the destination picker lists every branch of the tree by name and superior only."""
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.forms import DateInput, FilterForm, PlainForm, _choices
from dangjian.privacy import is_valid_id_number, is_valid_mobile
from organizations.members.choices import Gender, MemberStatus
from organizations.members.forms import TypedOnlyInput
from organizations.orgs.forms import OrgPickerField
from organizations.transfers import selectors
from organizations.transfers.choices import MANUAL_STATES, ContactState, TransferKind, TransferStatus


class DestinationPickerField(OrgPickerField):
    """A branch anywhere in the tree (``selectors.pickable_destinations``), shown by its name
    and its superior's: the sender picks outside their own subtree without seeing into it."""

    def label_from_instance(self, obj):
        return selectors.destination_label(obj)

    def scope_to(self, user, *, queryset=None, url=None):
        self.queryset = selectors.pickable_destinations()
        self.url = reverse("organizations:transfer_pick_destinations")


class StartTransferForm(PlainForm):
    kind = forms.ChoiceField(
        label=_("转接方式"), widget=forms.RadioSelect,
        choices=[(TransferKind.WITHIN, TransferKind.WITHIN.label), (TransferKind.OUT, TransferKind.OUT.label)],
        initial=TransferKind.WITHIN,
    )
    to_org = DestinationPickerField(label=_("接收党支部"), required=False,
                                    help_text=_("系统内转接：输入接收党支部名称的一部分搜索（可选择全市任一党支部）。"))
    destination = forms.CharField(label=_("接收党组织（系统外）"), required=False, max_length=200,
                                  help_text=_("转出系统：填写介绍信抬头的接收党组织全称。"))
    reason = forms.CharField(label=_("转接原因"), required=False, max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}), help_text=_("如：工作调动、搬迁、升学等。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].scope_to(user)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("kind") == TransferKind.WITHIN and not data.get("to_org"):
            self.add_error("to_org", _("请选择接收党支部。"))
        if data.get("kind") == TransferKind.OUT and not (data.get("destination") or "").strip():
            self.add_error("destination", _("请填写接收党组织的名称。"))
        return data


class ReasonForm(PlainForm):
    reason = forms.CharField(label=_("退回原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(PlainForm):
    note = forms.CharField(label=_("说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RegisterIncomingForm(PlainForm):
    letter_number = forms.CharField(label=_("介绍信编号"), max_length=60)
    outside_org = forms.CharField(label=_("开具介绍信的党组织"), max_length=200)
    issued_on = forms.DateField(label=_("开具日期"), widget=DateInput())
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DateInput(),
                                  help_text=_("留空则按开具日期起三个月计算。"))
    to_org = OrgPickerField(label=_("接收党支部"), help_text=_("本辖区的党支部：输入名称的一部分搜索。"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=DateInput())
    id_number = forms.CharField(label=_("身份证号"), required=False, max_length=18, widget=TypedOnlyInput())
    phone = forms.CharField(label=_("手机号"), required=False, max_length=20, widget=TypedOnlyInput())
    joined_on = forms.DateField(label=_("入党日期"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("党员状态"), choices=MemberStatus.choices)
    reason = forms.CharField(label=_("转入原因"), required=False, max_length=300)

    MEMBER_FIELDS = ("birth_date", "joined_on", "status", "phone", "id_number")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].scope_to(user, queryset=selectors.receiving_orgs(user).order_by("name", "pk"),
                                       url=reverse("organizations:transfer_pick_receiving"))

    def clean_phone(self):
        value = "".join(ch for ch in self.cleaned_data.get("phone", "") if ch not in " -")
        if value and not is_valid_mobile(value):
            raise ValidationError(_("请输入有效的11位手机号码。"))
        return value

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "").strip().upper()
        if value and not is_valid_id_number(value):
            raise ValidationError(_("身份证号格式或校验位不正确。"))
        return value

    def action_values(self) -> dict:
        d = self.cleaned_data
        return {
            "to_org": d["to_org"], "letter_number": d["letter_number"], "outside_org": d["outside_org"],
            "issued_on": d["issued_on"], "valid_until": d.get("valid_until"), "name": d["name"],
            "gender": d["gender"], "reason": d.get("reason", ""),
            **{name: d.get(name) for name in self.MEMBER_FIELDS if d.get(name) not in (None, "")},
        }


class StateForm(PlainForm):
    state = forms.ChoiceField(label=_("党员状况"), choices=[(s.value, s.label) for s in MANUAL_STATES])
    mobile_place = forms.CharField(label=_("外出地点"), required=False, max_length=120,
                                   help_text=_("流动党员：外出务工、经商、居住的地点。"))
    contact_org = DestinationPickerField(label=_("联系党支部"), required=False,
                                         help_text=_("流动党员：外出地的联系党支部，输入名称的一部分搜索。"))
    since = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_org"].scope_to(user)


class TransferFilterForm(FilterForm):
    q = forms.CharField(label=_("姓名或介绍信编号"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_choices(TransferStatus))
    kind = forms.ChoiceField(label=_("转接类型"), required=False, choices=_choices(TransferKind))
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)


STATE_CHOICES = _choices(ContactState)
