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


class RubricSelect(forms.Select):
    """A rubric select whose options carry ``data-period``, the period a run of that rubric
    is pre-filled with (``static/js/scoring.js`` puts it in the period field on change)."""

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        from assessments.scoring.selectors import suggested_period

        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        rubric = getattr(value, "instance", None)
        if rubric is not None and self.today is not None and (key := suggested_period(rubric, self.today)):
            option["attrs"]["data-period"] = key
        return option


class ScoreFilterForm(forms.Form):
    rubric = RubricChoiceField(
        label=_("考核细则"), queryset=Rubric.objects.none(), required=False, empty_label=None,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    period = forms.ChoiceField(label=_("周期"), required=False, widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(label=_("名称"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": _("名称包含")}))

    def __init__(self, *args, rubrics=(), period_keys=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = rubrics
        label = (lambda p: p.label_on(today)) if today else (lambda p: p.label)
        self.fields["period"].choices = [(k, label(periods.parse(k))) for k in period_keys]

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

    def __init__(self, *args, rubrics=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["rubric"]
        field.queryset = rubrics
        if today is not None:
            field.widget = RubricSelect(attrs={**field.widget.attrs, "data-period-target": "id_period_key"}, today=today)
            field.widget.choices = field.choices
            first = rubrics.first() if not self.is_bound else None
            if first is not None:
                from assessments.scoring.selectors import suggested_period

                self.initial.setdefault("period_key", suggested_period(first, today))

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
