from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = "责任与考核"

    def ready(self):
        # bound checklist items follow the records behind their figures
        from assessments.checklists import receivers

        receivers.connect()
