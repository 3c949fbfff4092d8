"""Forms of the organizations portal pages.

The forms only read and check input; the write itself is an action in
``organizations.areas.actions``, whose ``ValidationError`` is attached back to the fields with
``attach_errors``.  Choices of areas and organizations are limited to the user's scoped
querysets: large sets are picked by searching (``AreaPickerField``, whose endpoint
``organizations:pick_areas`` lists the very queryset the form validates against), small
sets are plain selects.
"""
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ActionForm, PickerField, PlainForm
from dangjian.scoping import get_scope
from organizations.areas import selectors
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area


# ---------------------------------------------------------------------------- picker
def area_label(area) -> str:
    """An area as a picker shows it: its parent's name first, to tell apart the many 1号楼."""
    return f"{area.parent.name} · {area.name}" if area.parent_id else area.name


def area_picker_url(levels=()) -> str:
    url = reverse("organizations:pick_areas")
    return f"{url}?{urlencode([('level', int(level)) for level in levels])}" if levels else url


class AreaPickerField(PickerField):
    """Pick an area of the user's subtree by searching its name (``levels``: only areas of
    these levels).  The form calls ``scope_to(user)``, which sets the queryset the value is
    validated against and the endpoint listing the same queryset; an area outside it is a
    form error, like one that does not exist."""

    def __init__(self, *, levels=(), **kwargs):
        kwargs.setdefault("empty_label", _("请选择"))
        super().__init__(Area.objects.none(), **kwargs)
        self.levels = tuple(int(level) for level in levels)
        self.widget.attrs.setdefault("data-picker-placeholder", str(_("输入区域名称的一部分搜索")))

    def label_from_instance(self, obj):
        return area_label(obj)

    def scope_to(self, user, *, keep=None):
        """``keep``: the value already stored, kept valid on an edit though it is of another
        level than the picker now offers (an older record), so saving never drops it."""
        self.in_scope = selectors.pickable_areas(user)
        queryset = selectors.pickable_areas(user, self.levels)
        if keep is not None and self.levels and keep.level not in self.levels:
            queryset = queryset | self.in_scope.filter(pk=keep.pk)
        self.queryset = queryset
        self.url = area_picker_url(self.levels)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as exc:
            # an area of the user's subtree, but of another level: say so (one query, on error only)
            other = self._other_level(value) if exc.code == "invalid_choice" else None
            if other is None:
                raise
            raise ValidationError(
                _("请选择%(levels)s（“%(name)s”是%(level)s）。"), code="wrong_level",
                params={"levels": "、".join(str(AreaLevel(level).label) for level in self.levels),
                        "name": other.name, "level": other.get_level_display()},
            ) from exc

    def _other_level(self, value):
        if not self.levels or getattr(self, "in_scope", None) is None:
            return None
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return None
        return self.in_scope.filter(pk=pk).first() if 0 < pk < 2**63 else None


class CommunityPickForm(PlainForm):
    """The first step of a form that works within one community (a new grid, a new
    volunteer team): pick the community by searching, then go on with ``?community=<id>``."""

    community_pick = AreaPickerField(label=_("社区"), levels=(AreaLevel.COMMUNITY,),
                                     help_text=_("输入社区或街道名称的一部分搜索。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community_pick"].scope_to(user)

    @classmethod
    def from_request(cls, request):
        """Bound when the step was submitted (a GET form: an id is no personal data)."""
        return cls(request.GET if "community_pick" in request.GET else None, user=request.user)

    @property
    def community(self):
        return self.cleaned_data["community_pick"]


# ----------------------------------------------------------------------------- areas
class AreaForm(ActionForm):
    parent = AreaPickerField(
        label=_("上级区域"), required=False,
        help_text=_("输入上级区域名称的一部分搜索；顶级区域（市、区）不选，仅系统管理员可建。"),
    )

    class Meta:
        model = Area
        fields = ["parent", "name", "code", "level", "address", "households", "building_use"]

    FIELDS = ("parent", "name", "code", "level", "address", "households", "building_use")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].scope_to(self.user)
        self.fields["households"].required = False

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        had_parent = self.editing and self.instance.parent_id is not None
        if parent is None and not get_scope(self.user).is_global and (not self.editing or had_parent):
            raise ValidationError(_("请选择上级区域。"), code="required")
        return parent

    def clean_households(self):
        return self.cleaned_data.get("households") or 0
