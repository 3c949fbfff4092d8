"""The default dues brackets: 中共中央组织部《关于中国共产党党费收缴、使用和管理的规定》(2008).
Loaded by a data migration as rule set version 1; a locality publishes its own version
instead of editing these.  Flat rate on the whole amount (not progressive).

Each line: category, lower bound (exclusive; None = from 0 inclusive), upper bound
(inclusive; None = no bound), rate in percent (None for a flat amount), flat amount in yuan.
"""
NAME = "党费收缴、使用和管理规定（2008）"
EFFECTIVE_FROM = "2008-04-01"
NOTES = "中组部 2008 年规定：税后月收入 3000 元以下（含）0.5%，3000–5000 元 1%，5000–10000 元 1.5%，10000 元以上 2%；" \
        "离退休 5000 元以下（含）0.5%，以上 1%；学生、失业、低保 0.2 元；农民 0.2–1 元（默认 0.2 元）。"

BRACKETS = [
    ("in_service", None, "3000.00", "0.5", None),
    ("in_service", "3000.00", "5000.00", "1", None),
    ("in_service", "5000.00", "10000.00", "1.5", None),
    ("in_service", "10000.00", None, "2", None),
    ("retired", None, "5000.00", "0.5", None),
    ("retired", "5000.00", None, "1", None),
    ("student", None, None, None, "0.20"),
    ("unemployed", None, None, None, "0.20"),
    ("low_income", None, None, None, "0.20"),
    ("farmer", None, None, None, "0.20"),
]


def load(DuesRuleSet, DuesBracket) -> None:
    """Create the default rule set (version 1) and its brackets when missing; the data
    migration calls it with the historical models, tests after a flush with the real ones."""
    import datetime
    from decimal import Decimal

    rule_set, _ = DuesRuleSet.objects.get_or_create(
        area=None, version=1,
        defaults=dict(name=NAME, effective_from=datetime.date.fromisoformat(EFFECTIVE_FROM), notes=NOTES),
    )
    if DuesBracket.objects.filter(rule_set=rule_set).exists():
        return

    def dec(value):
        return None if value is None else Decimal(value)

    DuesBracket.objects.bulk_create([
        DuesBracket(rule_set=rule_set, category=category, lower=dec(lower), upper=dec(upper), rate=dec(rate),
                    flat_amount=dec(flat), sort_order=(i + 1) * 10)
        for i, (category, lower, upper, rate, flat) in enumerate(BRACKETS)
    ])
