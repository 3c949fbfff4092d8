from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.forms import PickerField, PlainForm
from dangjian.privacy import is_valid_mobile
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from services.resident import actions, selectors


def community_label(obj):
    return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


class CommunityPickerField(PickerField):
    """The resident's community: a picker (a province holds thousands of communities); the
    options come from the form's ``COMMUNITIES_URL`` (``communities_page``)."""

    def label_from_instance(self, obj):
        return community_label(obj)


class ResidentSubmitForm(PlainForm):
    """What the public forms of wishes and requests share (mobile first): the community,
    building or address, the requester's name and phone, a photo.  Subclasses add their
    own fields and list every field but the photo in ``FIELDS`` (also the order shown)."""

    community = CommunityPickerField(
        Area.objects.none(), label=_("所在社区"), empty_label=_("请选择社区"),
        error_messages={"invalid_choice": _("请选择列表中的社区。")},
    )
    building = forms.TypedChoiceField(
        label=_("楼栋"), required=False, coerce=int, empty_value=None,
        help_text=_("可不选；不选时请填写地址。"),
    )
    name = forms.CharField(label=_("姓名"), max_length=actions.NAME_MAX)
    phone = forms.CharField(
        label=_("手机号"), max_length=20, help_text=_("仅社区工作人员可见，用于联系您；评价时需填写后四位。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    photo = forms.FileField(label=_("照片（可选）"), required=False,
                            help_text=_("JPG、PNG 或 WebP，不超过 5 MB。"),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))

    FIELDS = ()
    COMMUNITIES_URL = None  # the community picker's endpoint (each public form names its own)
    BUILDINGS_SHOWN = 100  # the select holds at most this many; the picker searches for the rest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.FIELDS)
        self.fields["community"].queryset = self.communities()
        self.fields["community"].url = self.COMMUNITIES_URL
        self.fields["community"].widget.attrs["data-picker-placeholder"] = _("输入社区或街道名称搜索")
        community = self.chosen_community()
        self.fields["building"].choices = [("", _("不选择楼栋"))] + self.building_choices(community)

    def building_choices(self, community, q="", offset=0):
        """``(pk, label)`` of at most ``BUILDINGS_SHOWN`` buildings of the community (name search
        ``q``, from ``offset``), plus the building a bound form chose if it lies further down."""
        rows = list(self.buildings(community, q)[offset:offset + self.BUILDINGS_SHOWN])
        chosen = self.data.get(self.add_prefix("building")) if self.is_bound else None
        if chosen and str(chosen).isdigit() and all(str(b.pk) != str(chosen) for b in rows):
            rows += list(self.buildings(community).filter(pk=int(chosen)))
        return [(b.pk, self.building_label(b, community)) for b in rows]

    @staticmethod
    def building_label(building, community):
        if building.parent_id != getattr(community, "pk", None):
            return f"{building.parent.name} {building.name}"
        return building.name

    def communities(self):
        return selectors.public_communities()

    def buildings(self, community, q=""):
        return selectors.community_buildings(community, q)

    def chosen_community(self):
        raw = self.data.get(self.add_prefix("community")) if self.is_bound else self.initial.get("community")
        if raw in (None, ""):
            return None
        try:
            return Area.objects.filter(pk=int(raw), level=AreaLevel.COMMUNITY).first()
        except (TypeError, ValueError):
            return None

    def clean_phone(self):
        phone = "".join(ch for ch in self.cleaned_data.get("phone", "") if ch.isdigit())
        if not is_valid_mobile(phone):
            raise forms.ValidationError(_("请填写正确的11位手机号。"))
        return phone

    def clean_building(self):
        pk = self.cleaned_data.get("building")
        if pk is None:
            return None
        building = Area.objects.filter(pk=pk).first()
        if building is None:
            raise forms.ValidationError(_("请选择列表中的楼栋。"))
        return building

    def action_values(self) -> dict:
        values = {name: self.cleaned_data.get(name) for name in self.FIELDS}
        values["photo"] = self.cleaned_data.get("photo") or None
        return values


class TrackForm(PlainForm):
    code = forms.CharField(label=_("查询码"), max_length=20,
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))


class ResidentRateForm(PlainForm):
    """The public rating form: the rating, a comment, and the last four digits of the
    phone (help: ``LAST4_HELP``)."""

    comment = forms.CharField(label=_("意见建议（可选）"), required=False, max_length=actions.COMMENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}))
    phone_last4 = forms.CharField(
        label=_("手机号后四位"), max_length=4, min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    LAST4_HELP = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(("rating", "comment", "phone_last4"))
        self.fields["phone_last4"].help_text = self.LAST4_HELP


class ReasonForm(PlainForm):
    reason = forms.CharField(label=_("原因"), max_length=actions.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))
