from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.forms import FilterForm
from organizations.areas.forms import AreaPickerField

FIRST_YEAR = 1921


class YearForm(FilterForm):
    """The year of the tables (``?year=``); an invalid one is dropped (the current year)."""

    year = forms.IntegerField(label=_("统计年度"), required=False, min_value=FIRST_YEAR)

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year:
            raise ValidationError(_("统计年度不能晚于今年。"), code="future_year")
        return year


class StatisticsForm(YearForm):
    """The page's form: the area, picked by searching within the user's scope, and the year.
    Shown unbound with the tables' area and year (the view has read both already): the chosen
    area is rendered from the object in hand, so the form costs no query."""

    area = AreaPickerField(label=_("统计区域"), required=False, help_text=_("输入区域名称的一部分搜索。"))
    field_order = ["area", "year"]

    def __init__(self, *args, user, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].scope_to(user)
        self.fields["area"].widget.chosen = lambda ids: [(str(area.pk), area.name)] if str(area.pk) in ids else []
