from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = "责任与考核"

    def ready(self):
        # the burden meter's store counts the values typed by hand (dangjian.burden)
        from assessments.burden.actions import on_values_typed
        from dangjian.burden import values_typed

        values_typed.connect(on_values_typed, dispatch_uid="assessments.burden.tally")
        # bound checklist items follow the records behind their figures
        from assessments.checklists import receivers

        receivers.connect()
