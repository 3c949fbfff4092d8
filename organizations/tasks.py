"""The app's Celery tasks, found here by autodiscovery; each lives in its feature folder.
Their registered names (``organizations.tasks.*``) are the wire names of queued messages and
of the beat schedule, and do not follow the modules."""
from organizations.accounts.tasks import purge_login_attempts
from organizations.imports.tasks import run_import
from organizations.roles.tasks import refresh_secretary_flags
from organizations.trees.tasks import check_trees

__all__ = ["check_trees", "purge_login_attempts", "refresh_secretary_flags", "run_import"]
