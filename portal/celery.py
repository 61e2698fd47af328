"""The Celery application: a real worker on Redis, or eager tasks when no broker is set.

Run a worker with `celery -A portal worker` and the scheduler with `celery -A portal beat`.
Each app declares its periodic tasks in a module-level `beat_schedule` dict of its
`tasks.py`; they are merged here so the schedule lives beside the task it runs.
"""

import os
from importlib import import_module

from celery import Celery
from django.apps import apps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _collect_beat_schedules(sender, **kwargs):
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tasks":
                raise
            continue
        sender.conf.beat_schedule.update(getattr(module, "beat_schedule", {}))
