from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ALL, ActionForm, DateInput, FilterForm, PlainForm
from dangjian.uploads import PHOTO_MAX_BYTES
from grids.diary import selectors
from grids.diary.choices import ConversionTarget, DiaryCategory, DiaryKind, DiaryStatus
from grids.diary.models import DiaryEntry


def _choices(enum):
    return [("", ALL), *enum.choices]


# ----------------------------------------------------------------------------- diary
class DiaryForm(ActionForm):
    photo = forms.FileField(
        label=_("照片（可选）"), required=False,
        help_text=_("JPG、PNG 或 WebP，不超过 %(mb)d MB；只拍必要的，不必留痕。") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)},
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = DiaryEntry
        fields = ["kind", "category", "occurred_on", "building", "household", "text", "photo"]
        widgets = {
            "occurred_on": DateInput(),
            "kind": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 5}),
        }

    FIELDS = ("kind", "category", "occurred_on", "building", "household", "text", "photo")

    def __init__(self, *args, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        self.fields["kind"].choices = DiaryKind.choices
        self.fields["category"].choices = [("", "—"), *DiaryCategory.choices]
        self.fields["building"].queryset = selectors.grid_building_choices(grid)
        self.fields["building"].required = False
        self.fields["building"].empty_label = _("（不指定楼栋）")
        self.fields["building"].label_from_instance = lambda b: f"{b.parent.name} {b.name}" if b.parent_id else b.name
        self.fields["household"].help_text = _("如 2-301，可不填")
        if not self.is_bound:
            self.initial.setdefault("occurred_on", timezone.localdate())
            self.initial.setdefault("kind", DiaryKind.VISIT)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class DiaryResolveForm(PlainForm):
    resolution = forms.CharField(label=_("处理结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DiaryConvertForm(PlainForm):
    """Once a resident request or a whistle exists, its kind and id are recorded on the
    diary entry here (or by the request and whistle actions themselves)."""

    target = forms.ChoiceField(label=_("转办为"), choices=ConversionTarget.choices)
    target_id = forms.IntegerField(label=_("转办记录编号"), min_value=1)


class DiaryFilterForm(FilterForm):
    q_grid = forms.CharField(label=_("网格名称或编码"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=_choices(DiaryKind))
    category = forms.ChoiceField(label=_("类别"), required=False, choices=_choices(DiaryCategory))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_choices(DiaryStatus))
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    grid = forms.IntegerField(label=_("网格编号"), required=False, min_value=1, widget=forms.HiddenInput)
    community = forms.IntegerField(label=_("社区编号"), required=False, min_value=1, widget=forms.HiddenInput)
