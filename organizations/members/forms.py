from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.crypto import normalise
from dangjian.forms import ActionForm, BlankTextInput, DateInput, FilterForm, PlainForm, _choices
from dangjian.privacy import is_valid_id_number, is_valid_mobile
from organizations.areas.choices import AreaLevel
from organizations.areas.forms import AreaPickerField
from organizations.members.choices import ContactState, Education, Ethnicity, Gender, MemberStatus, Occupation, OrgRole
from organizations.members.models import CentralHousehold, Member
from organizations.orgs.forms import OrgPickerField


class TypedOnlyInput(forms.TextInput):
    """A personal-data box (phone, ID number): never filled from the stored record (the
    form's initial value is blank), but a value the user has just posted is shown back on
    the error page, so one mistake elsewhere does not make them type it again.  Posted
    forms only: the value is never in a URL."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})


# ----------------------------------------------------------------------------- members
class MemberForm(ActionForm):
    organization = OrgPickerField(label=_("组织关系所在支部"), help_text=_("输入党组织名称的一部分搜索。"))
    residence = AreaPickerField(label=_("居住楼栋"), required=False, levels=(AreaLevel.BUILDING,),
                                empty_label=_("暂不登记"), help_text=_("输入楼栋或小区名称的一部分搜索，可不选。"))
    employer_org = OrgPickerField(label=_("工作单位党组织"), required=False, empty_label=_("暂不登记"))
    phone = forms.CharField(label=_("手机号"), required=False, max_length=20, widget=TypedOnlyInput())
    id_number = forms.CharField(label=_("身份证号"), required=False, max_length=18, widget=TypedOnlyInput())
    clear_phone = forms.BooleanField(label=_("清除已登记的手机号"), required=False)
    clear_id_number = forms.BooleanField(label=_("清除已登记的身份证号"), required=False)

    class Meta:
        model = Member
        fields = [
            "name", "gender", "ethnicity", "birth_date", "education", "occupation", "joined_on", "full_member_on",
            "status", "organization", "org_role", "residence", "in_service", "employer", "employer_org", "phone",
            "id_number",
        ]
        widgets = {"birth_date": DateInput(), "joined_on": DateInput(), "full_member_on": DateInput()}

    PLAIN = (
        "name", "gender", "ethnicity", "education", "occupation", "birth_date", "joined_on", "full_member_on", "status", "organization", "org_role",
        "residence", "in_service", "employer", "employer_org",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].scope_to(self.user)
        self.fields["employer_org"].scope_to(self.user)
        self.fields["residence"].scope_to(self.user, keep=self.instance.residence if self.instance.residence_id else None)
        self.fields["gender"].choices = Gender.choices
        self.fields["status"].choices = MemberStatus.choices
        self.fields["org_role"].choices = OrgRole.choices
        for name, choices in (("ethnicity", Ethnicity), ("education", Education), ("occupation", Occupation)):
            self.fields[name].choices = [("", _("未填写")), *choices.choices]
        if self.editing:
            inst = self.instance
            self.initial["phone"] = ""
            self.initial["id_number"] = ""
            keep = _("留空则保留原值（%(masked)s）。")
            self.fields["phone"].help_text = keep % {"masked": inst.phone_masked or _("未登记")}
            self.fields["id_number"].help_text = keep % {"masked": inst.id_number_masked or _("未登记")}
        else:
            del self.fields["clear_phone"]
            del self.fields["clear_id_number"]

    def clean_phone(self):
        value = "".join(ch for ch in self.cleaned_data.get("phone", "") if ch not in " -")
        if value and not is_valid_mobile(value):
            raise ValidationError(_("请输入有效的11位手机号码。"), code="invalid_phone")
        return value

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "").strip().upper()
        if value and not is_valid_id_number(value):
            raise ValidationError(_("身份证号格式或校验位不正确。"), code="invalid_id_number")
        return value

    def action_values(self) -> dict:
        values = self.values(self.PLAIN)
        for name in ("phone", "id_number"):
            typed = self.cleaned_data.get(name, "")
            if typed:
                values[name] = typed
            elif not self.editing or self.cleaned_data.get(f"clear_{name}"):
                values[name] = ""
            # editing and left blank: the stored value is kept (not passed to the action)
        return values


class CentralHouseholdForm(ActionForm):
    building = AreaPickerField(label=_("所在楼栋"), levels=(AreaLevel.BUILDING,),
                               help_text=_("党员中心户所在的楼栋：输入楼栋或小区名称的一部分搜索。"))

    class Meta:
        model = CentralHousehold
        fields = ["building", "linked_households", "linked_rooms", "designated_on"]
        widgets = {"designated_on": DateInput()}

    FIELDS = ("building", "linked_households", "linked_rooms", "designated_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].scope_to(self.user)


class MemberFilterForm(FilterForm):
    # A GET form: its values land in the URL and the access logs, so it searches names only.
    # Phone and ID number: MemberLookupForm (POST).
    q = forms.CharField(label=_("姓名"), required=False, max_length=50, help_text=_("姓名可模糊查找。"))
    status = forms.ChoiceField(label=_("党员状态"), required=False, choices=_choices(MemberStatus))
    gender = forms.ChoiceField(label=_("性别"), required=False, choices=_choices(Gender))
    ethnicity = forms.ChoiceField(label=_("民族"), required=False, choices=_choices(Ethnicity))
    education = forms.ChoiceField(label=_("学历"), required=False, choices=_choices(Education))
    occupation = forms.ChoiceField(label=_("职业类别"), required=False, choices=_choices(Occupation))
    in_service = forms.ChoiceField(
        label=_("在职党员"), required=False, choices=[("", _("全部")), ("yes", _("是")), ("no", _("否"))]
    )
    org_role = forms.ChoiceField(label=_("组织内职务"), required=False, choices=_choices(OrgRole))
    # 组织关系转接: by default the current members (a transferred-out record is kept, not listed)
    contact_state = forms.ChoiceField(label=_("党员状况"), required=False, choices=[("", _("现有党员")), *ContactState.choices])
    organization = forms.IntegerField(label=_("党组织编号"), required=False, min_value=1, widget=forms.HiddenInput)
    within = forms.IntegerField(label=_("区域编号"), required=False, min_value=1, widget=forms.HiddenInput)


def looks_like_personal_number(text: str) -> bool:
    """Seven digits or more in a row (spaces and dashes ignored): a phone or ID number, whole or in part."""
    run = best = 0
    for ch in normalise(text or ""):
        run = run + 1 if ch.isdigit() else 0
        best = max(best, run)
    return best >= 7


def lookup_field_of(number: str) -> str | None:
    """Which personal-data field a typed number is: ``phone``, ``id_number`` or ``None``."""
    value = normalise(number or "")
    if is_valid_mobile(value):
        return "phone"
    if is_valid_id_number(value):
        return "id_number"
    return None


class MemberLookupForm(PlainForm):
    """Find a member by a full phone or ID number: posted, never in a URL; never shown back."""

    number = forms.CharField(
        label=_("手机号或身份证号"), max_length=32, widget=BlankTextInput(attrs={"autocomplete": "off"}),
        help_text=_("完整的11位手机号或18位身份证号；每次查找都会留痕。"),
    )
