"""The app's Celery tasks, found here by autodiscovery; each lives in its feature folder.
Registered names (``network.tasks.*``) are wire names and do not follow the modules."""

__all__: list[str] = []
