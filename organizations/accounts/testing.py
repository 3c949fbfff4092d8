"""Signing an in-process test client in as a user who must pass a second factor.

``Client.force_login`` skips the login form, so it never meets the one-time code.  For a
user who needs one (``needs_second_factor``), or who enrolled a device anyway,
``verify_session`` then verifies the client's session the way ``django_otp.login`` does after
a right code: the id of a confirmed TOTP device is stored in the session
(``DEVICE_ID_SESSION_KEY``), and ``SessionOTPMiddleware`` trusts it.  The requirement itself
stays on; only the code is skipped.

Written once for the test suite's ``force_login`` (the root ``conftest.py``) and for the
benchmark's crawl (``portal/management/commands/bench.py``), which signs each demo role in
the same honest way.
"""
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.accounts.selectors import confirmed_device, needs_second_factor


def verify_session(client, user, *, device_name: str = "test"):
    """Verify ``client``'s session (already signed in as ``user``) with the user's confirmed
    TOTP device, confirming a new one named ``device_name`` when the user needs a second
    factor and has none.  Returns the device, or ``None`` when the user needs no factor."""
    device = confirmed_device(user)
    if device is None and not needs_second_factor(user):
        return None
    device = device or TOTPDevice.objects.create(user=user, name=device_name, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def force_login_verified(client, user, *, device_name: str = "test"):
    """``client.force_login(user)``, then ``verify_session``; returns the client."""
    client.force_login(user)
    verify_session(client, user, device_name=device_name)
    return client
