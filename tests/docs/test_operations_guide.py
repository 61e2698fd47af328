"""docs/operations.md stays true: every environment variable the settings read is documented,
and every periodic task of the beat schedule is named."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Read by the test machinery only, not by a deployment.
NOT_FOR_DEPLOYERS = {"TESTING", "PYTEST_XDIST_WORKER"}


def _guide() -> str:
    return (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")


def test_every_environment_variable_of_the_settings_is_documented():
    source = (ROOT / "portal" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'(?:environ\.get|env_bool|env_list)\(\s*"([A-Z_]+)"', source))

    missing = sorted(name for name in names - NOT_FOR_DEPLOYERS if f"`{name}`" not in _guide())

    assert len(names) > 20
    assert missing == []


def test_every_periodic_task_is_documented():
    from portal.celery import app

    app.finalize()
    guide = _guide()
    tasks = [entry["task"] for entry in app.conf.beat_schedule.values()]

    assert tasks
    assert [task for task in tasks if f"`{task}`" not in guide] == []
