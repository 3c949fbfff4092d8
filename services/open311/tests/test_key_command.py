"""``manage.py open311_key`` prints a key once and stores only its keyed hash."""
from io import StringIO

from django.core.management import call_command

from dangjian.crypto import keyed_hash
from services.open311.models import Open311Key


def test_issue_stores_hash_only_and_revoke_deactivates(db):
    out = StringIO()
    call_command("open311_key", "12345 热线", stdout=out)
    plain = out.getvalue().strip().splitlines()[-1]
    key = Open311Key.objects.get(name="12345 热线")
    assert key.key_hash == keyed_hash(plain)
    assert plain not in key.key_hash and key.is_active

    call_command("open311_key", "12345 热线", "--revoke", stdout=StringIO())
    key.refresh_from_db()
    assert not key.is_active
