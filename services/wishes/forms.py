"""Forms of the services app: the public wish form, the rating form, the staff action
forms and the review-list filters.  Forms check shapes; ``services.wishes.actions`` checks the
rest (scope, roles, status, photos) and its errors are put back on the form."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ALL, FilterForm, PickerField, PlainForm
from organizations.orgs.models import PartyOrg
from services.resident import actions
from services.resident.choices import Satisfaction
from services.resident.forms import ResidentRateForm, ResidentSubmitForm
from services.wishes import actions as wishes_actions
from services.wishes.choices import WishKind, WishStatus


class WishSubmitForm(ResidentSubmitForm):
    """The resident's form (public, mobile first)."""

    address = forms.CharField(label=_("地址"), required=False, max_length=actions.ADDRESS_MAX,
                              help_text=_("如：3号楼2单元501，或困难家庭所在位置。"))
    kind = forms.ChoiceField(label=_("心愿类别"), choices=WishKind.choices)
    text = forms.CharField(label=_("我的心愿"), max_length=wishes_actions.WISH_TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 4}))

    COMMUNITIES_URL = reverse_lazy("services:wish_communities")
    FIELDS = ("community", "building", "address", "kind", "text", "name", "phone")


class RateForm(ResidentRateForm):
    rating = forms.ChoiceField(label=_("您对心愿完成情况的评价"), choices=[("", _("请选择")), *Satisfaction.choices])

    LAST4_HELP = _("提交心愿时所留手机号的后四位。")


class FulfilForm(PlainForm):
    note = forms.CharField(label=_("完成情况"), max_length=actions.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("照片（可选）"), required=False, help_text=_("JPG、PNG 或 WebP，不超过 5 MB。"))


class ClaimForm(PlainForm):
    """``orgs``: the organizations the user may claim for (``permissions.claimable_orgs``) —
    the picker endpoint (``services:wish_pick_orgs``) lists the same queryset."""

    org = PickerField(
        PartyOrg.objects.none(), label=_("认领方式"), required=False, empty_label=_("以党员个人名义认领"),
        url=reverse_lazy("services:wish_pick_orgs"), help_text=_("以党组织名义认领时，输入组织名称的一部分搜索并选择。"),
    )

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class WishFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", ALL), *WishStatus.choices])
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", ALL), *WishKind.choices])
    q = forms.CharField(label=_("查询码"), required=False, max_length=20)
    community = forms.IntegerField(label=_("社区编号"), required=False, min_value=1, widget=forms.HiddenInput)
    # the dashboard's figures link here: the area's subtree and the period the figure counts
    within = forms.IntegerField(label=_("区域编号"), required=False, min_value=1, widget=forms.HiddenInput)
    period = forms.CharField(label=_("周期"), required=False, max_length=10, widget=forms.HiddenInput)
