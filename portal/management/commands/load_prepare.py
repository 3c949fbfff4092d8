"""``manage.py load_prepare``: the demo accounts made ready for ``make load``, and only for it.

The administrator and district accounts sign in with a TOTP code after the password.  A
code is accepted once (django-otp refuses a code, or an older one, that was already used:
replay protection), so one account cannot sign in twice within one 30-second step — and a
refused code throttles the device.  The load test therefore signs each of its simulated
admin and district users in as an account of its own: the demo account and ``POOL - 1``
copies of it (``district-load-01`` …: the same grants, flags and password), each with a TOTP
device (``name="load test"``) whose key is new at every run and written, with the account
names and the demo password, to ``--out`` (under var/, git-ignored, mode 600), where the
locustfile reads it and computes the codes (RFC 6238, 30-second step).

The demo account itself joins the pool only when it has no other confirmed device (a device
someone enrolled by hand is never replaced).  It refuses to run unless the settings are in the
load-test mode (``SERVE_LOAD=1`` with ``dangjian.settings.serve``): never in production, never
in normal seeding.  Idempotent: a second run replaces the load devices' keys.
"""
import json
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.demo.generator import DEMO_USERNAMES
from organizations.grants.models import Grant

DEVICE_NAME = "load test"
TWO_FACTOR = ("admin", "district")


def clone_name(username: str, index: int) -> str:
    return f"{username}-load-{index:02d}"


class Command(BaseCommand):
    help = "make load only: TOTP devices with known keys for the admin and district demo accounts (and copies)."

    def add_arguments(self, parser):
        parser.add_argument("--pool", type=int, default=10,
                            help="accounts per two-factor role (the demo account and copies of it)")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "var" / "load" / "accounts.json"))

    def handle(self, *args, pool, out, **options):
        if not getattr(settings, "LOAD_TEST", False):
            raise CommandError("load_prepare 仅用于负载测试：须在 dangjian.settings.serve 且 SERVE_LOAD=1 下运行 "
                               "(make load). It gives accounts TOTP keys written to a file: never in production.")
        if pool < 1:
            raise CommandError("--pool must be at least 1")
        User = get_user_model()
        demo = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
        missing = [name for name in DEMO_USERNAMES if name not in demo]
        if missing:
            raise CommandError(f"demo accounts missing ({', '.join(missing)}): run seed_demo first")
        accounts = {name: [{"username": name}] for name in DEMO_USERNAMES if name not in TWO_FACTOR}
        with transaction.atomic():
            for name in TWO_FACTOR:
                accounts[name] = [self.prepare(user) for user in self.pool_of(demo[name], pool)]
                accounts[name] = [a for a in accounts[name] if a is not None]
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump({"password": settings.DEMO_PASSWORD, "accounts": accounts}, fh, indent=1)
        sizes = ", ".join(f"{name} ×{len(accounts[name])}" for name in TWO_FACTOR)
        self.stdout.write(f"load accounts ready ({sizes}; TOTP keys in {path})")

    def pool_of(self, demo, pool: int):
        """The demo account and ``pool - 1`` copies: same flags, password and grants."""
        User = get_user_model()
        users = [demo]
        grants = list(Grant.objects.filter(user=demo, is_active=True))
        for index in range(1, pool):
            user, _created = User.objects.get_or_create(username=clone_name(demo.username, index))
            user.first_name, user.password = demo.first_name, demo.password
            user.is_active, user.is_staff, user.is_superuser = True, demo.is_staff, demo.is_superuser
            user.save()
            Grant.objects.filter(user=user).delete()
            Grant.objects.bulk_create([
                Grant(user=user, role=g.role, area_id=g.area_id, org_id=g.org_id, note=g.note) for g in grants
            ])
            users.append(user)
        return users

    def prepare(self, user):
        """A new load device for ``user``; ``None`` when someone enrolled a device of their own."""
        own = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(name=DEVICE_NAME)
        if own.exists():
            self.stdout.write(f"{user.username}: has an authenticator of its own, left out of the pool")
            return None
        TOTPDevice.objects.filter(user=user, name=DEVICE_NAME).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=os.urandom(20).hex(), confirmed=True)
        return {"username": user.username, "key": device.key, "step": device.step, "digits": device.digits}
