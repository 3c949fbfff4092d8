"""Forms of the 民主评议党员 pages (shapes only; ``assessments.appraisal.actions`` checks the
rest and its ``ValidationError`` goes back on the form with ``dangjian.forms.attach_errors``).
The grading sheet is no Django form: one ``grade_<member id>`` select and ``note_<member id>``
box a row, read by the view (``sheet_entries``)."""
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.appraisal import actions, rules, selectors
from assessments.appraisal.choices import AppraisalStatus
from dangjian.forms import ALL, FilterForm, PickerField, PlainForm
from organizations.orgs.forms import OrgPickerField


class AppraisalFilterForm(FilterForm):
    q = forms.CharField(label=_("支部名称或编码"), required=False, max_length=100)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", ALL), *AppraisalStatus.choices])


class MeetingPickerField(PickerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", _("请选择"))
        super().__init__(selectors.pickable_meetings(None).none(), **kwargs)
        self.widget.attrs["data-picker-placeholder"] = str(_("输入支部名称或会议主题搜索"))

    def label_from_instance(self, obj):
        return selectors.meeting_label(obj)


def _years(today):
    return [today.year, today.year - 1]


class AppraisalCreateForm(PlainForm):
    org = OrgPickerField(label=_("党支部"), help_text=_("输入本支部名称的一部分搜索。"))
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    activity = MeetingPickerField(
        label=_("评议会议"), help_text=_("本支部该年度召开的组织生活会或民主评议党员会议（组织生活中已登记的记录）。"))

    def __init__(self, *args, user, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        self.fields["org"].scope_to(user, queryset=selectors.pickable_orgs(user), url=reverse("assessments:appraisal:pick_orgs"))
        self.fields["year"].choices = [(y, _("%(y)d 年") % {"y": y}) for y in _years(today)]
        self.fields["activity"].queryset = selectors.pickable_meetings(user, years=_years(today))
        self.fields["activity"].url = reverse("assessments:appraisal:pick_meetings")


class MeetingForm(PlainForm):
    activity = MeetingPickerField(label=_("评议会议"))

    def __init__(self, *args, user, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = selectors.pickable_meetings(user, years=[year])
        self.fields["activity"].url = reverse("assessments:appraisal:pick_meetings") + f"?year={year}"


class ReasonForm(PlainForm):
    reason = forms.CharField(label=_("退回原因"), max_length=actions.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))


def sheet_entries(post, rows) -> dict:
    """``{member id: (grade, note)}`` of the rows of the sheet, as typed."""
    return {
        row.pk: ((post.get(f"grade_{row.pk}") or "").strip(), (post.get(f"note_{row.pk}") or "")[: rules.NOTE_MAX + 50])
        for row in rows
    }
