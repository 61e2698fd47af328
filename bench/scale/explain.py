"""`python -m bench.scale explain --only NAME`: the SQL a page emits, and the plan of its
slowest queries (EXPLAIN (ANALYZE, BUFFERS)), on the loaded data set.

The page is requested in this process with Django's test client, logged in as the same
persona and with the same URL as `measure`; the queries are captured with
`CaptureQueriesContext` (the SQL exactly as sent), the slowest `--top` are explained.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def explain(only: set[str] | None, top: int) -> int:
    from django.apps import apps

    from bench.scale.measure import server_env

    if not apps.ready:
        os.environ.update(server_env(Path(tempfile.mkdtemp(prefix="bench-scale-"))))
        os.environ.pop("PYTEST_VERSION", None)
        import django

        django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.scale.measure import pages_to_measure, session_cookie

    User = get_user_model()
    for page in pages_to_measure(only):
        if page.kind == "floor" and only:
            continue
        client = Client(SERVER_NAME="127.0.0.1")
        if page.persona:
            cookie = session_cookie(User.objects.get(email=page.persona))
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie.split("=", 1)[1]
        client.get(page.path)  # warm the caches (and the session's first write)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        queries = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
        total = sum(float(q["time"]) for q in queries) * 1000
        print(f"\n=== {page.name}  {page.path}  HTTP {response.status_code}, "
              f"{len(queries)} queries, {total:.0f} ms in SQL")  # fmt: skip
        for query in queries:
            print(f"  {float(query['time']) * 1000:8.1f} ms  {query['sql'][:110]}")
        explainable = [q for q in queries if not q["sql"].lstrip().upper().startswith("EXPLAIN")]
        for query in explainable[:top]:
            print(f"\n--- {float(query['time']) * 1000:.1f} ms\n{query['sql']}\n")
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                for (line,) in cursor.fetchall():
                    print(f"    {line}")
    return 0
