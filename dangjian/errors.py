


class PermissionDeniedError(Exception):
    """The actor is in scope but their role does not allow this write."""
