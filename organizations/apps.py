from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organizations"
    verbose_name = "组织与党员"

    def ready(self):
        from organizations.accounts import signals

        signals.connect()
        from organizations.development import actions as development_actions

        development_actions.connect()
