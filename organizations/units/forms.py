from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ActionForm, BlankTextInput, FilterForm, _choices
from dangjian.privacy import mask_phone
from organizations.areas.choices import AreaLevel
from organizations.areas.forms import AreaPickerField
from organizations.orgs.forms import OrgPickerField
from organizations.units.choices import ResidentUnitKind
from organizations.units.models import ResidentUnit


# ---------------------------------------------------------------------- resident units
class ResidentUnitForm(ActionForm):
    community = AreaPickerField(label=_("所在社区"), levels=(AreaLevel.COMMUNITY,), help_text=_("输入社区名称的一部分搜索。"))
    party_org = OrgPickerField(label=_("单位党组织"), required=False, empty_label=_("暂不登记"))
    contact_phone = forms.CharField(label=_("联系电话"), required=False, max_length=20, widget=BlankTextInput())
    clear_contact_phone = forms.BooleanField(label=_("清除已登记的联系电话"), required=False)

    class Meta:
        model = ResidentUnit
        fields = ["name", "kind", "community", "party_org", "address", "contact_name", "contact_phone"]

    PLAIN = ("name", "kind", "community", "party_org", "address", "contact_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].scope_to(self.user)
        self.fields["party_org"].scope_to(self.user)
        self.fields["kind"].choices = ResidentUnitKind.choices
        if self.editing:
            inst = self.instance
            self.initial["contact_phone"] = ""
            self.fields["contact_phone"].help_text = _("留空则保留原值（%(masked)s）。") % {
                "masked": mask_phone(inst.contact_phone) or _("未登记")
            }
        else:
            del self.fields["clear_contact_phone"]

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone", "").strip()
        if value and not all(ch.isdigit() or ch in "-+ " for ch in value):
            raise ValidationError(_("联系电话只能包含数字和“-”。"), code="invalid_phone")
        return value

    def action_values(self) -> dict:
        values = self.values(self.PLAIN)
        typed = self.cleaned_data.get("contact_phone", "")
        if typed:
            values["contact_phone"] = typed
        elif not self.editing or self.cleaned_data.get("clear_contact_phone"):
            values["contact_phone"] = ""
        return values


class UnitFilterForm(FilterForm):
    q = forms.CharField(label=_("单位名称"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("单位性质"), required=False, choices=_choices(ResidentUnitKind))
    community = forms.IntegerField(label=_("社区编号"), required=False, min_value=1, widget=forms.HiddenInput)
