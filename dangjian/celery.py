"""Celery application.  Broker: REDIS_URL, else kombu's filesystem transport under var/."""
import os
from pathlib import Path

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings.local")

app = Celery("dangjian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _ensure_broker_folders(sender, **kwargs):
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@after_setup_logger.connect
@after_setup_task_logger.connect
def mask_worker_log_lines(logger=None, **kwargs):
    """The worker installs its own handlers (not LOGGING's): mask phones and ID numbers there too."""
    from dangjian.logs import mask_handlers

    if logger is not None:
        mask_handlers(logger)
