"""What authentication classes raise (kept apart from ``dangjian.api.exceptions``: DRF imports
authentication classes while ``rest_framework.views`` is still loading)."""
from rest_framework import exceptions


class CredentialsRefused(exceptions.AuthenticationFailed):
    """Credentials were presented and are dead (an expired or revoked token): 401 with
    ``WWW-Authenticate`` (see ``dangjian.api.exceptions.exception_handler``)."""

    www_authenticate = "Token"
