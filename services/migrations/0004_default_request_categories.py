from django.db import migrations


def load(apps, schema_editor):
    from services.requests.defaults import load_request_categories

    load_request_categories(apps.get_model("services", "RequestCategory"))


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0003_requests_whistles_reporting"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
