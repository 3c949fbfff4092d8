from django.db import migrations


class Migration(migrations.Migration):
    """The app's first migration: each feature's tables follow in their own migrations."""

    initial = True
    dependencies = []
    operations = []
