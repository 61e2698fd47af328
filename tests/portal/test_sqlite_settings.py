"""Issue 11: `make run`'s SQLite database takes parallel writes without "database is locked"."""

import os
import subprocess
import sys
import textwrap

from django.conf import settings

SCRIPT = textwrap.dedent(
    """
    import os, threading
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections, transaction
    call_command("migrate", verbosity=0)
    print("mode", connection.cursor().execute("PRAGMA journal_mode").fetchone()[0])
    from django.contrib.auth.models import Group
    errors = []

    def write(n):
        try:
            for i in range(20):
                with transaction.atomic():
                    count = Group.objects.count()
                    Group.objects.create(name=f"g-{n}-{i}-{count}")
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print("errors", len(errors), errors[:1])
    print("groups", Group.objects.filter(name__startswith="g-").count())
    """
)


def test_six_threads_writing_to_the_sqlite_file_never_get_database_is_locked(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTEST_XDIST_WORKER"}}
    env.update(
        DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", VAR_DIR=str(tmp_path)
    )

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["mode"] == "wal"
    assert lines["errors"].startswith("0 ")
    assert lines["groups"] == "120"
