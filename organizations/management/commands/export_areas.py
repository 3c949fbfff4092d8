"""Export the territory tree (or one subtree) to an .xlsx file in the import template's columns."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations.imports import exporters


def resolve_user(username):
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(_("用户“%(name)s”不存在。") % {"name": username}) from None


class Command(BaseCommand):
    help = _("把区域树导出为 Excel（.xlsx），列与导入模板一致。")

    def add_arguments(self, parser):
        parser.add_argument("out", help=_("输出文件路径（.xlsx）"))
        parser.add_argument("--within", metavar="CODE", help=_("只导出该编码区域及其全部下级"))
        parser.add_argument("--user", help=_("只导出该用户能查看的区域；不填则导出全部"))

    def handle(self, *args, **options):
        actor = resolve_user(options.get("user"))
        within = None
        if options.get("within"):
            within = exporters.visible_areas(actor).filter(code=options["within"]).first()
            if within is None:
                raise CommandError(_("区域编码不存在或不在查看范围内：%(code)s") % {"code": options["within"]})
        try:
            count = exporters.write_areas(options["out"], actor=actor, within=within)
        except OSError as exc:
            raise CommandError(_("无法写入文件：%(error)s") % {"error": exc}) from exc
        self.stdout.write(self.style.SUCCESS(
            _("已导出 %(n)d 个区域到 %(path)s") % {"n": count, "path": options["out"]}
        ))
