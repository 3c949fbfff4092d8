"""Pure rules of one-table reports (no database): the period of a field's value within a
report's period, and a typed value read from what a cadre typed."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from assessments.reports.choices import FieldType, PeriodKind
from assessments.scoring import periods

# a field's period kind may be the report's or a longer one (a yearly field in a quarterly report)
LONGER_OR_SAME = {
    PeriodKind.MONTH: (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR),
    PeriodKind.QUARTER: (PeriodKind.QUARTER, PeriodKind.YEAR),
    PeriodKind.YEAR: (PeriodKind.YEAR,),
}
NUMBER_MAX = Decimal("999999999999")
TEXT_MAX = 500
YES, NO = "是", "否"


def fits(field_kind: str, report_kind: str) -> bool:
    """May a field of ``field_kind`` be a column of a report of ``report_kind``?"""
    return field_kind in LONGER_OR_SAME.get(report_kind, ())


def value_key(field_kind: str, report_period) -> str:
    """The period key of a field's value in a report of ``report_period``: the field's period
    (of its own kind) holding the report's start (``2026-Q3`` → ``2026`` for a yearly field)."""
    return periods.containing(field_kind, report_period.start).key


def parse_value(field, raw) -> tuple[Decimal | None, str]:
    """``(number, text)`` of what was typed for ``field`` (a ``ReportField``); an empty value
    is ``(None, "")``; a bad one ``ValidationError`` with a Chinese message."""
    text = ("" if raw is None else str(raw)).strip()
    if not text:
        return None, ""
    kind = field.value_type
    if kind == FieldType.TEXT:
        if len(text) > TEXT_MAX:
            raise ValidationError(_("最多 %(n)d 个字。") % {"n": TEXT_MAX})
        return None, text
    if kind == FieldType.YES_NO:
        if text in (YES, "1", "true", "yes", "True"):
            return Decimal(1), YES
        if text in (NO, "0", "false", "no", "False"):
            return Decimal(0), NO
        raise ValidationError(_("请选择“是”或“否”。"))
    if kind == FieldType.CHOICE:
        if text not in field.options:
            raise ValidationError(_("请从选项中选择：%(o)s。") % {"o": "、".join(field.options)})
        return None, text
    try:
        number = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise ValidationError(_("请填写数字。")) from None
    if not number.is_finite():
        raise ValidationError(_("请填写数字。"))
    if kind == FieldType.INTEGER and number != number.to_integral_value():
        raise ValidationError(_("请填写整数。"))
    if number < 0:
        raise ValidationError(_("不能为负数。"))
    if number > NUMBER_MAX:
        raise ValidationError(_("数值过大。"))
    if kind == FieldType.DECIMAL and number.as_tuple().exponent < -4:
        raise ValidationError(_("最多保留 4 位小数。"))
    return number, format_number(number)


def format_number(number: Decimal) -> str:
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def shown(field, number, text) -> str:
    """A stored value as the table shows it."""
    if text:
        return text
    if number is None:
        return ""
    return format_number(Decimal(number))
