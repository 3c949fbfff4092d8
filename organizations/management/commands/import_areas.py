"""Import the territory tree from an .xlsx file (the same checks as the browser import)."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations.imports.choices import ImportKind
from organizations.imports.importers import ImportFileError, ImportPermissionError, format_errors, import_path


def run_import_command(command, kind, options):
    actor = None
    if options.get("user"):
        try:
            actor = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist:
            raise CommandError(_("用户“%(name)s”不存在。") % {"name": options["user"]}) from None
    try:
        result = import_path(kind, options["file"], actor=actor)
    except (ImportFileError, ImportPermissionError) as exc:
        raise CommandError(str(exc)) from exc
    if not result.ok:
        for line in format_errors(result.errors):
            command.stderr.write(line)
        bad_rows = sum(1 for e in result.errors if e.get("row"))
        if bad_rows:
            raise CommandError(_("校验未通过：%(n)d 行有错误，没有写入任何数据。") % {"n": bad_rows})
        raise CommandError(_("导入失败，没有写入任何数据。"))
    command.stdout.write(command.style.SUCCESS(
        _("导入成功：共 %(rows)d 行，新建 %(created)d 条记录。")
        % {"rows": result.total_rows, "created": result.summary.get("created", 0)}
    ))


class Command(BaseCommand):
    help = _("从 Excel（.xlsx）文件导入区域树；整份文件校验通过后才写入，有错则逐行列出并以非零状态退出。")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("导入文件（按导入模板填写的 .xlsx）"))
        parser.add_argument(
            "--user", help=_("以该用户的身份和管辖范围导入（记为该用户的导入任务）；不填则以系统身份导入，范围不限")
        )

    def handle(self, *args, **options):
        run_import_command(self, ImportKind.AREAS, options)
