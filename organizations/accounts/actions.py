from dangjian.portal import client_ip
from organizations.accounts.models import LoginAttempt


def note_attempt(username: str, request, succeeded: bool) -> None:
    LoginAttempt.objects.create(username=username[:150], ip=client_ip(request), succeeded=succeeded)
