from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ActionForm, DateInput, FilterForm, ScopedCodeField, _choices
from organizations.areas import selectors as areas_selectors
from organizations.members import selectors as members_selectors
from organizations.orgs import selectors
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg


# --------------------------------------------------------------- party organizations
class OrgForm(ActionForm):
    parent = ScopedCodeField(label=_("上级组织编码"), required=False, help_text=_("输入上级党组织的编码。"))
    area = ScopedCodeField(label=_("所在区域编码"), help_text=_("组织所依托的区域（社区、小区、楼栋等）的编码。"))

    class Meta:
        model = PartyOrg
        fields = [
            "name", "code", "kind", "category", "formation", "joint_units", "parent", "area",
            "founded_on", "term_started_on", "term_years", "secretary", "secretary_also_chairs",
        ]
        widgets = {"founded_on": DateInput(), "term_started_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.orgs_for(self.user)
        self.fields["area"].queryset = areas_selectors.areas_for(self.user)
        self.fields["kind"].choices = OrgKind.choices
        self.fields["category"].choices = OrgCategory.choices
        if self.editing:
            if not self.is_bound:
                self.initial["parent"] = self.instance.parent.code if self.instance.parent_id else ""
                self.initial["area"] = self.instance.area.code
            # The secretary is one of the organization's own members (a branch-sized list).
            self.fields["secretary"].queryset = (
                members_selectors.members_for(self.user).filter(organization=self.instance).order_by("name")
            )
            self.fields["secretary"].required = False
        else:
            del self.fields["secretary"]
            self.initial["term_years"] = None
            self.fields["term_years"].required = False
            self.fields["term_years"].help_text = _("留空则按组织类别取默认任期（社区级和党委5年，其他支部3年）。")

    @property
    def field_names(self):
        return list(self.fields)

    def action_values(self) -> dict:
        values = self.values(self.field_names)
        if not self.editing and values.get("term_years") in (None, ""):
            values.pop("term_years", None)
        return values


class OrgFilterForm(FilterForm):
    q = forms.CharField(label=_("名称或编码"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("组织类别"), required=False, choices=_choices(OrgKind))
    category = forms.ChoiceField(label=_("组织类型"), required=False, choices=_choices(OrgCategory))
    within = forms.IntegerField(label=_("区域编号"), required=False, min_value=1, widget=forms.HiddenInput)
