"""Forms of the scoring pages: the ranking filters, starting a run, a manual score."""
from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from assessments.scoring import periods
from assessments.scoring.metrics import fmt_max
from assessments.scoring.models import Rubric


def _rubric_label(rubric):
    return f"{rubric.name}（第{rubric.version}版）"


class RubricChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _rubric_label(obj)


class ScoreFilterForm(forms.Form):
    rubric = RubricChoiceField(
        label=_("考核细则"), queryset=Rubric.objects.none(), required=False, empty_label=None,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    period = forms.ChoiceField(label=_("周期"), required=False, widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(label=_("名称"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": _("名称包含")}))

    def __init__(self, *args, rubrics=(), period_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = rubrics
        self.fields["period"].choices = [(k, periods.parse(k).label) for k in period_keys]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return self.cleaned_data


class RunStartForm(forms.Form):
    rubric = RubricChoiceField(label=_("考核细则"), queryset=Rubric.objects.none(),
                               widget=forms.Select(attrs={"class": "form-select"}))
    period_key = forms.CharField(
        label=_("周期"), max_length=10, help_text=_("如 2026（年度）、2026-Q3（季度）、2026-11（月度）"),
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "2026-Q3", "list": "period-keys"}),
    )

    def __init__(self, *args, rubrics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = rubrics

    def clean_period_key(self):
        key = self.cleaned_data["period_key"].strip().upper()
        try:
            return periods.parse(key).key
        except periods.PeriodKeyError as exc:
            raise forms.ValidationError(str(exc)) from None


class ManualScoreForm(forms.Form):
    points = forms.DecimalField(label=_("得分"), max_digits=7, decimal_places=2, min_value=0,
                                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}))
    note = forms.CharField(label=_("评分说明"), max_length=500,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))

    def __init__(self, *args, max_points=None, **kwargs):
        super().__init__(*args, **kwargs)
        if max_points is not None:
            field = self.fields["points"]
            field.max_value = max_points
            field.widget.attrs["max"] = str(max_points)
            shown = fmt_max(max_points)
            field.help_text = _("0 至 %(max)s 分") % {"max": shown}
            field.validators.append(MaxValueValidator(max_points, message=_("分数应在 0 至 %(max)s 分之间。") % {"max": shown}))
