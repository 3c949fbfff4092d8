"""Domain errors: what an action raises when it refuses a write."""
from django.core.exceptions import ValidationError


class PermissionDeniedError(Exception):
    """The actor is in scope but their role does not allow this write."""


class TransitionError(ValidationError):
    """A status change the object's current status does not allow (HTTP 409 in the API)."""
