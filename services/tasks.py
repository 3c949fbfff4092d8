"""The app's Celery tasks, found here by autodiscovery; each lives in its feature folder.
Registered names (``services.tasks.*``) are wire names and do not follow the modules."""
from services.whistles.tasks import escalate_overdue_whistles

__all__ = ["escalate_overdue_whistles"]
