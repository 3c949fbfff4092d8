import datetime
from decimal import Decimal

from django.db import migrations


def load(apps, schema_editor):
    from organizations.dues import default_rules

    DuesRuleSet = apps.get_model("organizations", "DuesRuleSet")
    DuesBracket = apps.get_model("organizations", "DuesBracket")
    rule_set, _ = DuesRuleSet.objects.get_or_create(
        area=None, version=1,
        defaults=dict(name=default_rules.NAME, effective_from=datetime.date.fromisoformat(default_rules.EFFECTIVE_FROM),
                      notes=default_rules.NOTES),
    )
    if rule_set.brackets.exists():
        return

    def dec(value):
        return None if value is None else Decimal(value)

    DuesBracket.objects.bulk_create([
        DuesBracket(rule_set=rule_set, category=category, lower=dec(lower), upper=dec(upper), rate=dec(rate),
                    flat_amount=dec(flat), sort_order=(i + 1) * 10)
        for i, (category, lower, upper, rate, flat) in enumerate(default_rules.BRACKETS)
    ])


class Migration(migrations.Migration):
    dependencies = [("organizations", "0012_dues_models")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
