from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from portal import icons


class Command(BaseCommand):
    help = "Draw the portal's favicon and app icons into static/icons/ (see portal/icons.py)."

    def handle(self, *args, **options):
        for path in icons.write(Path(settings.BASE_DIR) / "static" / "icons"):
            self.stdout.write(str(path.relative_to(settings.BASE_DIR)))
