"""The token endpoint `POST /api/oauth/token` (API.md §2.1, AUTH-1..AUTH-3).

django-oauth-toolkit does the OAuth2 work (client credentials in the body or HTTP Basic,
RFC 6749 error bodies). Around it: `scope` is `openid` or nothing (any other value is
ignored, AUTH-1) and is echoed only when requested; an application whose connection is
revoked, or declared for another environment (TEC-8), is an `invalid_client`.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection as db_connection
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.signals import app_authorized
from oauth2_provider.views import TokenView

from api import credentials
from api.core import direct

OPENID = "openid"
GRANT = "client_credentials"
DESCRIPTIONS = {
    "invalid_client": "Client authentication failed.",
    "invalid_request": "The request is missing a required parameter or is malformed.",
    "unsupported_grant_type": "Only the client_credentials grant is supported.",
    "invalid_grant": "The grant is invalid.",
    "unauthorized_client": "The client is not authorized to use this grant type.",
}


def _error(error: str, status: int) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": DESCRIPTIONS[error]}, status=status)


class Validator(OAuth2Validator):
    def _check_secret(self, provided_secret, stored_secret):
        if stored_secret.startswith(("pbkdf2_", "argon2", "bcrypt", "scrypt", "md5")):
            return credentials.check_secret(provided_secret, stored_secret)
        return super()._check_secret(provided_secret, stored_secret)

    def _load_application(self, client_id, request):
        if not request.client and isinstance(client_id, str):
            request.client = _usable_application(client_id)
            if request.client is None:
                return None
        return super()._load_application(client_id, request)

    def save_bearer_token(self, token, request, *args, **kwargs):
        """A client-credentials token is one INSERT (no refresh token to rotate). On
        PostgreSQL it is committed without waiting for the WAL flush: a token lost in a
        server crash costs its client one more token request (a 401, then a new token),
        and the wait (~2 ms of fsync per token, queued behind every other commit) was
        most of a token's time. Every other write keeps its synchronous commit."""
        if request.grant_type != GRANT or "refresh_token" in token:
            return super().save_bearer_token(token, request, *args, **kwargs)
        if db_connection.vendor != "postgresql":
            return self._save_bearer_token(token, request, *args, **kwargs)
        with transaction.atomic():
            with db_connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            return self._save_bearer_token(token, request, *args, **kwargs)


def _usable_application(client_id: str):
    """The application of `client_id` if its connection is live in this environment, else
    None: one raw statement (the token endpoint's only read), no ORM query compilation."""
    if "\x00" in client_id:
        return None  # no database takes a NUL byte as text: no such client (DOT's answer)
    model = get_application_model()
    found = model.objects.raw(_application_sql(), [client_id, settings.DEPLOYMENT_ENVIRONMENT])
    return next(iter(found), None)


_sql: list[str] = []


def _application_sql() -> str:
    if not _sql:
        model = get_application_model()
        connection = model._meta.get_field("connection").related_model
        _sql.append(
            f"SELECT a.* FROM {model._meta.db_table} a JOIN {connection._meta.db_table} c"  # noqa: S608 - names from the models
            " ON c.application_id = a.id"
            " WHERE a.client_id = %s AND c.revoked_at IS NULL AND c.environment = %s"
        )
    return _sql[0]


class QuickTokenView(TokenView):
    """DOT's token view, minus its re-read of the new token when nobody listens to
    `app_authorized` (one query less per token)."""

    @method_decorator(sensitive_post_parameters("password", "client_secret"))
    def authorization_flow_token_response(self, request, *args, **kwargs):
        if app_authorized.has_listeners(sender=self.__class__):
            return super().authorization_flow_token_response(request, *args, **kwargs)
        url, headers, body, status = self.create_token_response(request)
        response = HttpResponse(content=body, status=status)
        for key, value in headers.items():
            response[key] = value
        return response


_token_view = QuickTokenView.as_view()


@direct  # no session, CSRF or portal page machinery (api.middleware)
@csrf_exempt
@login_not_required
def token(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return JsonResponse(
            {"error": "invalid_request", "error_description": "Use POST."}, status=405
        )
    post = request.POST.copy()
    grant = post.get("grant_type")
    if grant and grant != GRANT:
        return _error("unsupported_grant_type", 400)
    requested = OPENID in (post.get("scope") or "").split()
    if requested:
        post["scope"] = OPENID
    else:
        post.pop("scope", None)
    request.POST = post
    response = _token_view(request)
    body = json.loads(response.content or b"{}")
    if response.status_code == 200 and not requested:
        body.pop("scope", None)
    elif "error" in body and not body.get("error_description"):
        body["error_description"] = DESCRIPTIONS.get(body["error"], body["error"])
    response.content = json.dumps(body)
    return response
