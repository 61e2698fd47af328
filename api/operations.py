"""Registering an operation: POST `<path>` reading a loose body (api.schemas) and answering
the dict its handler returns. (No `from __future__ import annotations` here: ninja reads
the body type from the endpoint's annotation at definition time.)"""

from collections.abc import Callable

from ninja import Router

from api.errors import answer


def register(
    router: Router,
    path: str,
    schema,
    handler: Callable,
    *,
    operation_id: str,
    summary: str = "",
) -> None:
    def endpoint(request, payload: schema):
        return answer(handler(request.auth.user, payload.data))

    endpoint.__name__ = operation_id
    router.post(path, operation_id=operation_id, summary=summary or operation_id)(endpoint)
