from django.db import migrations


def load(apps, schema_editor):
    from organizations.dues.default_rules import load as load_default_rules

    load_default_rules(apps.get_model("organizations", "DuesRuleSet"), apps.get_model("organizations", "DuesBracket"))


class Migration(migrations.Migration):
    dependencies = [("organizations", "0012_dues_models")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
