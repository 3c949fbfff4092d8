from django.db import migrations


def load(apps, schema_editor):
    from organizations.development.default_rules import load_default_rules

    load_default_rules(apps.get_model("organizations", "DevelopmentRuleSet"), apps.get_model("organizations", "StepRule"))


class Migration(migrations.Migration):
    dependencies = [("organizations", "0014_development_models")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
