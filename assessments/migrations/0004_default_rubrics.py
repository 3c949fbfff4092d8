from django.db import migrations


def load(apps, schema_editor):
    from assessments.scoring.rubrics import load_default_rubrics

    load_default_rubrics(apps.get_model("assessments", "Rubric"), apps.get_model("assessments", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_checklists_rubrics_scores")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
