import datetime

from django.db import migrations


def load(apps, schema_editor):
    from assessments.life.default_rules import ACTIVITY_TYPES, DEFAULT_RULES

    ActivityType = apps.get_model("assessments", "ActivityType")
    RuleSet = apps.get_model("assessments", "RuleSet")
    ActivityRule = apps.get_model("assessments", "ActivityRule")
    types = {}
    for order, (code, name, quorum, service, hours, steps, description) in enumerate(ACTIVITY_TYPES):
        types[code], _ = ActivityType.objects.update_or_create(
            code=code,
            defaults=dict(name=name, quorum_basis=quorum, counts_service=service, default_service_hours=hours,
                          has_steps=steps, description=description, sort_order=(order + 1) * 10),
        )
    rule_set, _ = RuleSet.objects.get_or_create(
        area=None, version=1,
        defaults=dict(name="支部工作条例（2018）默认规则", effective_from=datetime.date(2018, 10, 28),
                      notes="《中国共产党支部工作条例（试行）》及北京“党员先锋日”等地方做法"),
    )
    for code, frequency, min_count, kinds, categories in DEFAULT_RULES:
        ActivityRule.objects.update_or_create(
            rule_set=rule_set, activity_type=types[code],
            defaults=dict(frequency=frequency, min_count=min_count, org_kinds=kinds, org_categories=categories),
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
