"""Forms of the organizations portal pages.

The forms only read and check input; the write itself is an action in
``organizations.areas.actions``, whose ``ValidationError`` is attached back to the fields with
``attach_errors``.  Choices of areas and organizations are limited to the user's scoped
querysets: large sets are entered by code (a text box validated against the scoped
queryset, with a short list of suggestions), small sets are plain selects.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ActionForm, ScopedCodeField
from dangjian.scoping import get_scope
from organizations.areas import selectors
from organizations.areas.models import Area


# ----------------------------------------------------------------------------- areas
class AreaForm(ActionForm):
    parent = ScopedCodeField(
        label=_("上级区域编码"), required=False, help_text=_("输入上级区域的编码；顶级区域（市、区）留空，仅系统管理员可建。")
    )

    class Meta:
        model = Area
        fields = ["parent", "name", "code", "level", "address", "households", "building_use"]

    FIELDS = ("parent", "name", "code", "level", "address", "households", "building_use")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.areas_for(self.user)
        if self.editing and not self.is_bound:
            self.initial["parent"] = self.instance.parent.code if self.instance.parent_id else ""
        self.fields["households"].required = False

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        had_parent = self.editing and self.instance.parent_id is not None
        if parent is None and not get_scope(self.user).is_global and (not self.editing or had_parent):
            raise ValidationError(_("请填写上级区域编码。"), code="required")
        return parent

    def clean_households(self):
        return self.cleaned_data.get("households") or 0
