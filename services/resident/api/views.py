from rest_framework import status
from rest_framework.response import Response

from dangjian import workflow as actions


class TransitionConflictMixin:
    """``TransitionError`` → 409 with the Chinese message (before the project handler
    would make it a 400 like any ``ValidationError``)."""

    def handle_exception(self, exc):
        if isinstance(exc, actions.TransitionError):
            return Response({"detail": "；".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)
