"""Registering an operation: POST `<path>` reading a loose body (api.schemas) and answering
the dict its handler returns. (No `from __future__ import annotations` here: ninja reads
the body type from the endpoint's annotation at definition time.)"""

from collections.abc import Callable

from ninja import Router

from api.errors import answer

# API.md §2.2: the technical account of every operation but health-check.
CPRO_ACCOUNT = {
    "in": "header",
    "name": "cpro-account",
    "required": True,
    "schema": {"type": "string"},
    "description": 'base64("<login>:<password>") of a technical account (no "Basic " prefix)',
}


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
    router.post(
        path,
        operation_id=operation_id,
        summary=summary or operation_id,
        openapi_extra={"parameters": [CPRO_ACCOUNT]},
    )(endpoint)
