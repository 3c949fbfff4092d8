"""Import the member roster from an .xlsx file (the same checks as the browser import)."""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from organizations.imports.choices import ImportKind
from organizations.management.commands.import_areas import run_import_command


class Command(BaseCommand):
    help = _("从 Excel（.xlsx）文件导入党员名册；整份文件校验通过后才写入，有错则逐行列出并以非零状态退出。")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("导入文件（按导入模板填写的 .xlsx）"))
        parser.add_argument(
            "--user", help=_("以该用户的身份和管辖范围导入（记为该用户的导入任务）；不填则以系统身份导入，范围不限")
        )

    def handle(self, *args, **options):
        run_import_command(self, ImportKind.MEMBERS, options)
