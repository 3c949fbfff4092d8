"""Forms of the organizational-life pages.

The forms read and check input only; the write is an action in ``assessments.actions``,
whose ``ValidationError`` is put back on the form (``attach_errors``).  The attendance
table is not a Django form: it is one row per roster member (``AttendanceTable``), with a
status and a reason, read straight from the POST data.
"""
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments.life import schedule
from assessments.life.actions import ATTACHMENT_MAX_FILES
from assessments.life.choices import AttendanceStatus, DeliberationStep, Frequency
from assessments.life.models import ActivityType
from dangjian.forms import BootstrapMixin, DateInput, FilterForm
from dangjian.forms import attach_errors as attach_form_errors
from organizations.members.choices import COMMITTEE_ROLES, MemberStatus
from organizations.orgs.choices import OrgCategory, OrgKind


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the action checks count, size and content)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


# Action field names → form field names (the form splits the times into a date and two times).
FIELD_MAP = {"starts_at": "start_time", "ends_at": "end_time"}


def attach_errors(form, exc: ValidationError, table=None) -> None:
    """Put an action's errors on the form, and the attendance errors on the table."""
    if table is not None and hasattr(exc, "error_dict") and "attendance" in exc.error_dict:
        table.errors.extend(m for e in exc.error_dict["attendance"] for m in e.messages)
        rest = {name: errors for name, errors in exc.error_dict.items() if name != "attendance"}
        if not rest:
            return
        exc = ValidationError(rest)
    attach_form_errors(form, exc, field_map=FIELD_MAP)


class ActivityForm(BootstrapMixin, forms.Form):
    activity_type = forms.ModelChoiceField(label=_("活动类型"), queryset=ActivityType.objects.all(), empty_label=None)
    topic = forms.CharField(label=_("主题"), max_length=200)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    start_time = forms.TimeField(label=_("开始时间"), widget=TimeInput())
    end_time = forms.TimeField(label=_("结束时间"), widget=TimeInput())
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    step = forms.ChoiceField(
        label=_("议事环节"), required=False, choices=[("", "—"), *DeliberationStep.choices],
        help_text=_("居民议事会须注明本次处于哪一步。"),
    )
    service_hours = forms.DecimalField(
        label=_("服务时长（小时/人）"), required=False, min_value=0, max_value=24, decimal_places=1,
        help_text=_("留空按活动类型的默认时长；出席的党员自动计入志愿服务时长。"),
    )
    minutes = forms.CharField(label=_("会议记录"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label=_("决定事项"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(
        label=_("佐证材料（可选）"), required=False,
        help_text=_("最多 %(n)d 个文件，每个不超过 5 MB，限 PDF、JPG、PNG、DOCX、XLSX。只需上传必要材料。") % {"n": ATTACHMENT_MAX_FILES},
    )
    remove_attachments = forms.MultipleChoiceField(
        label=_("删除已有附件"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args, activity=None, attachments=(), **kwargs):
        self.activity = activity
        initial = kwargs.pop("initial", None) or {}
        if activity is not None:
            starts = activity.starts_at.astimezone(schedule.SHANGHAI)
            ends = activity.ends_at.astimezone(schedule.SHANGHAI)
            initial.update(
                activity_type=activity.activity_type_id, topic=activity.topic, date=starts.date(),
                start_time=starts.time().replace(second=0, microsecond=0), end_time=ends.time().replace(second=0, microsecond=0),
                place=activity.place, step=activity.step, service_hours=activity.service_hours,
                minutes=activity.minutes, decisions=activity.decisions,
            )
        super().__init__(*args, initial=initial, **kwargs)
        self._init_widgets()
        if attachments:
            self.fields["remove_attachments"].choices = [(str(a.pk), a.original_name) for a in attachments]
        else:
            del self.fields["remove_attachments"]
        for name in ("remove_attachments",):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            data["starts_at"] = datetime.combine(day, start, tzinfo=schedule.SHANGHAI)
            data["ends_at"] = datetime.combine(day, end, tzinfo=schedule.SHANGHAI)
            if end < start:
                self.add_error("end_time", _("结束时间不能早于开始时间。"))
        return data

    def action_values(self) -> dict:
        d = self.cleaned_data
        values = {
            name: d.get(name)
            for name in ("activity_type", "topic", "starts_at", "ends_at", "place", "step", "minutes", "decisions")
        }
        values["service_hours"] = d.get("service_hours")
        values["attachments"] = d.get("attachments") or []
        if "remove_attachments" in self.fields:
            values["remove_attachments"] = [int(pk) for pk in d.get("remove_attachments") or []]
        return values

    def type_options(self) -> dict:
        """What the page script needs to know about each type (quorum basis, steps, hours)."""
        return {
            str(t.pk): {"quorum": t.quorum_basis, "steps": t.has_steps, "service": t.counts_service,
                        "hours": str(t.default_service_hours)}
            for t in self.fields["activity_type"].queryset
        }


class AttendanceRow:
    def __init__(self, member, *, status="", reason="", via="", signed_in_at=None, on_roster=True):
        self.member = member
        self.status = status
        self.reason = reason
        self.via = via
        self.signed_in_at = signed_in_at
        self.on_roster = on_roster

    @property
    def is_full(self):
        return self.member.status == MemberStatus.FULL

    @property
    def is_committee(self):
        return self.member.org_role in COMMITTEE_ROLES

    @property
    def prefix(self):
        return f"att-{self.member.pk}"


class AttendanceTable:
    """The attendance part of the activity form: the organization's roster (and anyone
    already recorded), one status and reason per member.  A blank status records nothing."""

    STATUSES = [("", _("未登记")), *AttendanceStatus.choices]

    def __init__(self, members, existing=(), data=None):
        existing = {a.member_id: a for a in existing}
        self.errors: list[str] = []
        self.rows = []
        seen = set()
        for member in members:
            seen.add(member.pk)
            a = existing.get(member.pk)
            self.rows.append(self._row(member, a, on_roster=True))
        for member_id, a in existing.items():
            if member_id not in seen:
                self.rows.append(self._row(a.member, a, on_roster=False))
        if data is not None:
            for row in self.rows:
                status = data.get(f"{row.prefix}-status", "")
                row.status = status if status in AttendanceStatus.values else ""
                row.reason = (data.get(f"{row.prefix}-reason", "") or "").strip()[:200]

    @staticmethod
    def _row(member, a, *, on_roster):
        if a is None:
            return AttendanceRow(member, on_roster=on_roster)
        return AttendanceRow(member, status=a.status, reason=a.reason, via=a.via, signed_in_at=a.signed_in_at,
                             on_roster=on_roster)

    def attendance(self) -> dict:
        return {row.member.pk: (row.status, row.reason) for row in self.rows if row.status}


# ----------------------------------------------------------------------- rule sets
class RulePublishForm(BootstrapMixin, forms.Form):
    """A new version of the rules for an area: name, effective date, and one line per
    activity type (frequency, minimum per period, which kinds and categories it asks)."""

    name = forms.CharField(label=_("规则名称"), max_length=100)
    effective_from = forms.DateField(label=_("生效日期"), widget=DateInput())
    notes = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, types, rules, **kwargs):
        super().__init__(*args, **kwargs)
        by_type = {r.activity_type_id: r for r in rules}
        self.lines = []
        for t in types:
            rule = by_type.get(t.pk)
            p = f"r{t.pk}"
            self.fields[f"{p}-frequency"] = forms.ChoiceField(
                label=_("频次"), choices=Frequency.choices, initial=rule.frequency if rule else Frequency.AS_NEEDED
            )
            self.fields[f"{p}-min_count"] = forms.IntegerField(
                label=_("每期至少次数"), min_value=1, max_value=31, initial=rule.min_count if rule else 1
            )
            self.fields[f"{p}-org_kinds"] = forms.MultipleChoiceField(
                label=_("适用组织类别"), required=False, choices=OrgKind.choices, widget=forms.CheckboxSelectMultiple,
                initial=list(rule.org_kinds) if rule else [],
            )
            self.fields[f"{p}-org_categories"] = forms.MultipleChoiceField(
                label=_("限于组织类型（不选则不限）"), required=False, choices=OrgCategory.choices,
                widget=forms.SelectMultiple(attrs={"size": 4}), initial=list(rule.org_categories) if rule else [],
            )
            self.lines.append({"type": t, "prefix": p})
        self._init_widgets()
        for line in self.lines:
            self.fields[f"{line['prefix']}-org_kinds"].widget.attrs["class"] = "form-check-input"
            line["fields"] = [self[f"{line['prefix']}-{n}"] for n in ("frequency", "min_count", "org_kinds", "org_categories")]

    def rules(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {
                "activity_type": line["type"].pk,
                "frequency": d[f"{line['prefix']}-frequency"],
                "min_count": d[f"{line['prefix']}-min_count"],
                "org_kinds": d[f"{line['prefix']}-org_kinds"],
                "org_categories": d[f"{line['prefix']}-org_categories"],
            }
            for line in self.lines
        ]


# -------------------------------------------------------------------------- filters
class ActivityFilterForm(FilterForm):
    activity_type = forms.ModelChoiceField(
        label=_("活动类型"), required=False, queryset=ActivityType.objects.all(), empty_label=_("全部")
    )
    start = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    end = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())


class YearForm(FilterForm):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
