"""Forms of the grids pages.

They read and check input only; the write is an action in ``grids.grids.actions`` whose
``ValidationError`` is put back on the fields with ``dangjian.forms.attach_errors``.
Choices are limited to what the user may see: the community's places and branches, the
grid's buildings, members of the user's scoped roster.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ActionForm, FilterForm, PlainForm
from grids.grids import selectors
from grids.grids.models import Grid


# ----------------------------------------------------------------------------- grids
class PlacesField(forms.ModelMultipleChoiceField):
    """The compounds and buildings of one community, drawn by the template as a grouped
    checkbox list (``form.places``) — the widget itself is never iterated."""

    widget = forms.CheckboxSelectMultiple


class GridForm(ActionForm):
    """Create (with places) or edit (name, code, branch, description) a grid of one community."""

    areas = PlacesField(label=_("覆盖的小区或楼栋"), queryset=None, required=False)

    class Meta:
        model = Grid
        fields = ["code", "name", "party_branch", "description"]

    FIELDS = ("code", "name", "party_branch", "description")

    def __init__(self, *args, community, with_places=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["party_branch"].queryset = selectors.community_branches(community)
        self.fields["party_branch"].required = False
        self.fields["party_branch"].empty_label = _("（暂无对应党支部）")
        if with_places:
            self.fields["areas"].queryset = selectors.community_places(community)
        else:
            del self.fields["areas"]

    def selected_ids(self):
        if "areas" not in self.fields:
            return set()
        if self.is_bound:
            return {str(v) for v in self.data.getlist("areas")}
        return {str(v) for v in self.initial.get("areas", ())}


class CoverageForm(PlainForm):
    areas = PlacesField(label=_("覆盖的小区或楼栋"), queryset=None, required=False)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = selectors.community_places(community)

    def selected_ids(self):
        if self.is_bound:
            return {str(v) for v in self.data.getlist("areas")}
        return {str(v) for v in self.initial.get("areas", ())}


class GridFilterForm(FilterForm):
    q = forms.CharField(label=_("网格名称或编码"), required=False, max_length=100)
    branch = forms.ChoiceField(
        label=_("网格党支部"), required=False,
        choices=[("", _("全部")), ("yes", _("已建")), ("no", _("未建"))],
    )
    community = forms.IntegerField(label=_("社区编号"), required=False, min_value=1, widget=forms.HiddenInput)
