"""Filters of the burden meter's pages: the community or area picked (pickers, never codes),
the year, the month."""
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.forms import FilterForm
from organizations.areas.choices import AreaLevel
from organizations.areas.forms import AreaPickerField


class CommunityPickForm(FilterForm):
    community = AreaPickerField(label=_("社区"), levels=(AreaLevel.COMMUNITY,), required=False,
                                help_text=_("输入社区名称的一部分搜索。"))
    within = AreaPickerField(label=_("或查看某区域下各社区"), required=False,
                             levels=(AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET),
                             help_text=_("输入街道或区的名称的一部分搜索。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("community", "within"):
            self.fields[name].scope_to(user)


class YearForm(FilterForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)


class MonthForm(FilterForm):
    month = forms.CharField(label=_("月份"), required=False, max_length=7,
                            widget=forms.TextInput(attrs={"type": "month"}))

    def clean_month(self):
        raw = (self.cleaned_data.get("month") or "").strip()
        if not raw:
            return None
        try:
            y, m = raw.split("-")
            return date(int(y), int(m), 1)
        except (ValueError, TypeError):
            raise forms.ValidationError(_("请填写月份，如 2026-11。")) from None
