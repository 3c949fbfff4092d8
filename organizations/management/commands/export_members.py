"""Export the member roster to an .xlsx file (phone and ID number masked)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations.imports import exporters
from organizations.management.commands.export_areas import resolve_user


class Command(BaseCommand):
    help = _("把党员名册导出为 Excel（.xlsx）；手机号、身份证号脱敏。")

    def add_arguments(self, parser):
        parser.add_argument("out", help=_("输出文件路径（.xlsx）"))
        parser.add_argument("--user", help=_("只导出该用户能查看的党员；不填则导出全部"))

    def handle(self, *args, **options):
        actor = resolve_user(options.get("user"))
        try:
            count = exporters.write_members(options["out"], actor=actor)
        except OSError as exc:
            raise CommandError(_("无法写入文件：%(error)s") % {"error": exc}) from exc
        self.stdout.write(self.style.SUCCESS(
            _("已导出 %(n)d 名党员到 %(path)s（手机号、身份证号已脱敏）") % {"n": count, "path": options["out"]}
        ))
