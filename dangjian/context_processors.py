from django.conf import settings

from dangjian.scoping import get_scope


def portal(request):
    user = getattr(request, "user", None)
    scope = get_scope(user) if user is not None and user.is_authenticated else None
    return {"portal_scope": scope, "DEBUG": settings.DEBUG}
