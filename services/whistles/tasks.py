"""Celery tasks of the services app.  Tasks take ids (or nothing), call an action, and are
safe to run twice."""
from celery import shared_task


@shared_task(name="services.tasks.escalate_overdue_whistles")
def escalate_overdue_whistles() -> int:
    """Escalate whistles whose departments or units are late to report in or to resolve
    (each stage once; a second run changes nothing).  Returns the escalation steps taken."""
    from services.whistles.actions import whistle_escalate_overdue

    return whistle_escalate_overdue()
