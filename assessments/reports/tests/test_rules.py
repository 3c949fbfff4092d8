"""Pure rules: the period of a field's value within a report's period, and typed values."""
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from assessments.reports import rules
from assessments.reports.choices import FieldType
from assessments.scoring import periods


def field(kind, options=""):
    return SimpleNamespace(value_type=kind, options=[o for o in options.split("/") if o])


@pytest.mark.parametrize(("field_kind", "report_key", "expected"), [
    ("year", "2026-Q3", "2026"), ("quarter", "2026-08", "2026-Q3"), ("month", "2026-08", "2026-08"),
    ("year", "2026", "2026"),
])
def test_a_fields_value_is_the_one_of_its_own_period_holding_the_report(field_kind, report_key, expected):
    assert rules.value_key(field_kind, periods.parse(report_key)) == expected


def test_a_field_fits_a_report_of_its_period_or_a_shorter_one():
    assert rules.fits("year", "quarter") and rules.fits("quarter", "quarter") and rules.fits("year", "month")
    assert not rules.fits("month", "quarter") and not rules.fits("quarter", "year")


@pytest.mark.parametrize(("kind", "typed", "expected"), [
    (FieldType.INTEGER, " 12 ", (Decimal(12), "12")),
    (FieldType.INTEGER, "1,200", (Decimal(1200), "1200")),
    (FieldType.DECIMAL, "820.50", (Decimal("820.50"), "820.5")),
    (FieldType.YES_NO, "是", (Decimal(1), "是")),
    (FieldType.YES_NO, "否", (Decimal(0), "否")),
    (FieldType.TEXT, "新建党群服务站", (None, "新建党群服务站")),
    (FieldType.CHOICE, "乙", (None, "乙")),
    (FieldType.INTEGER, "", (None, "")),
])
def test_typed_values_are_read_by_type(kind, typed, expected):
    assert rules.parse_value(field(kind, "甲/乙"), typed) == expected


@pytest.mark.parametrize(("kind", "typed", "message"), [
    (FieldType.INTEGER, "1.5", "请填写整数。"), (FieldType.DECIMAL, "abc", "请填写数字。"),
    (FieldType.DECIMAL, "NaN", "请填写数字。"), (FieldType.DECIMAL, "-1", "不能为负数。"),
    (FieldType.DECIMAL, "1.23456", "最多保留 4 位小数。"), (FieldType.DECIMAL, "1e20", "数值过大。"),
    (FieldType.CHOICE, "丙", "请从选项中选择：甲、乙。"), (FieldType.TEXT, "字" * 501, "最多 500 个字。"),
])
def test_bad_values_are_refused_with_a_chinese_message(kind, typed, message):
    with pytest.raises(ValidationError) as exc:
        rules.parse_value(field(kind, "甲/乙"), typed)
    assert exc.value.messages == [message]
