from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The composition of the apps: home page, role menus, and the tools that span every app
    (benchmark).  The only package that may import every domain app."""

    name = "portal"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("门户")
