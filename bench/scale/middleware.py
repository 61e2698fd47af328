"""Bench-only middleware (bench.scale.settings only): every response says how many SQL
queries it ran (`X-Bench-Queries`) and how much CPU the worker spent on it (`X-Bench-CPU-ms`).

Outermost in the stack, so the session, user and middleware queries are counted too.
"""

from __future__ import annotations

import time

from django.db import connection


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class BenchMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _Counter()
        started = time.process_time()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
            if getattr(response, "is_rendered", True) is False:  # a TemplateResponse
                response.render()
        cpu_ms = (time.process_time() - started) * 1000
        response["X-Bench-Queries"] = str(counter.count)
        response["X-Bench-CPU-ms"] = f"{cpu_ms:.2f}"
        return response
