"""Issue an Open311 api_key for a client (a city hotline, a mini-program back end).

The key is printed once; only its keyed hash is stored, so a lost key is replaced, not
recovered: ``manage.py open311_key "12345 热线" [--revoke NAME]``.
"""
import secrets

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangjian.audit import record
from dangjian.crypto import keyed_hash
from services.open311.models import Open311Key


class Command(BaseCommand):
    help = "Issue (or revoke) an Open311 GeoReport v2 api_key."

    def add_arguments(self, parser):
        parser.add_argument("name", help="接入方名称")
        parser.add_argument("--revoke", action="store_true", help="停用该接入方的全部密钥")

    def handle(self, *args, name, revoke, **options):
        name = name.strip()
        if not name:
            raise CommandError(_("请填写接入方名称。"))
        if revoke:
            keys = list(Open311Key.objects.filter(name=name, is_active=True))
            for key in keys:
                key.is_active = False
                key.save(update_fields=["is_active"])
                record(None, "open311.key_revoke", key, {"name": name})
            self.stdout.write(_("已停用 %(n)d 个密钥。") % {"n": len(keys)})
            return
        plain = secrets.token_urlsafe(32)
        key = Open311Key.objects.create(name=name, key_hash=keyed_hash(plain))
        record(None, "open311.key_issue", key, {"name": name})
        self.stdout.write(_("接入方“%(name)s”的 api_key（只显示这一次，请妥善保存）：") % {"name": name})
        self.stdout.write(plain)
