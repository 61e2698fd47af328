"""Who calls (API.md §2.2, §2.3): the bearer token of an application, then the technical
account of the `cpro-account` header (TEC-9: any active application with any active
technical account).

One query per call (issue 12): the token's validity (expiry, connection not revoked, this
environment), the account, its technical-account row and its scope (its main manager's
memberships and their structures' opened areas, kept on the user for the request), in one
prepared statement read afresh on every call (a revocation or a deactivation takes effect
at once). The PBKDF2 check of the password is remembered briefly under the
stored hash (`api.credentials`), so a password change ends it at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken

from api import credentials
from api.models import Connection, TechnicalAccount
from portal import prepared
from structures import access

AUTH_FAILED = _("Problème d'authentification")
DENIED = _("Accès refusé")


class Unauthenticated(Exception):
    status = 401


class Forbidden(Exception):
    status = 403


@dataclass
class Caller:
    user: object  # the technical account (accounts.User)
    application_id: int | None


def application_for(token: str):
    """The application of a valid token (not expired, connection not revoked), or None."""
    if not token:
        return None
    checksum = hashlib.sha256(token.encode()).hexdigest()
    found = (
        AccessToken.objects.filter(
            token_checksum=checksum,
            expires__gt=timezone.now(),
            application__connection__revoked_at__isnull=True,
            application__connection__environment=settings.DEPLOYMENT_ENVIRONMENT,
        )
        .values_list("application_id", flat=True)
        .first()
    )
    return found


def _decode_account(header: str) -> tuple[str, str]:
    value = header.strip()
    if value[:6].lower() == "basic ":
        value = value[6:].strip()
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise Unauthenticated() from None
    login, sep, password = decoded.partition(":")
    if not sep or not login or not password or "\x00" in decoded:
        raise Unauthenticated()  # (a NUL byte: no database takes it as text)
    return login.strip(), password


def _holdings_column(vendor: str) -> tuple[str, list]:
    """The account's scope (`access.technical_statement`, its rows as a JSON array) as a
    column of the caller's statement, and its parameters."""
    statement = access.technical_statement()
    if statement is None:  # pragma: no cover - an ORM change: read apart
        return "NULL", []
    sql, params = statement
    pieces = sql.split("%s")
    if len(pieces) != len(params) + 1:  # pragma: no cover - a literal % in the statement
        return "NULL", []
    own, text = [], pieces[0]
    for param, piece in zip(params, pieces[1:], strict=True):
        if param == access.TECHNICAL_SENTINEL:
            text += f"u.{connection.ops.quote_name('id')}"
        else:
            text += "%s"
            own.append(param)
        text += piece
    columns = ", ".join(f"h.{connection.ops.quote_name(c)}" for c in TECHNICAL_COLUMNS)
    if vendor == "postgresql":
        aggregate = f"json_agg(json_build_array({columns}))::text"
    else:
        aggregate = f"json_group_array(json_array({columns}))"
    return f"(SELECT {aggregate} FROM ({text}) h)", own  # noqa: S608 - the ORM's statement


TECHNICAL_COLUMNS = (
    "structure_id",
    "role",
    "structure__is_active",
    "structure__opened_areas__area",
)


def _caller_sql() -> tuple[str, list, bool]:
    """The one statement of `_caller_row`, built once from the models' tables and columns,
    the parameters of its scope column, and whether it reads the scope."""
    quote = connection.ops.quote_name
    user_model = get_user_model()
    token, conn = AccessToken._meta.db_table, Connection._meta.db_table
    columns = ", ".join(f"u.{quote(f.column)}" for f in user_model._meta.concrete_fields)
    holdings, holdings_params = _holdings_column(connection.vendor)
    sql = (
        f"SELECT {columns}, ta.{quote('id')} AS cpro_account_id, "  # noqa: S608 - names from the models
        f"ta.{quote('is_active')} AS cpro_account_active, "
        f"(SELECT t.{quote('application_id')} FROM {quote(token)} t "
        f"INNER JOIN {quote(conn)} c ON c.{quote('application_id')} = t.{quote('application_id')} "
        f"WHERE t.{quote('token_checksum')} = %s AND t.{quote('expires')} > %s "
        f"AND c.{quote('revoked_at')} IS NULL AND c.{quote('environment')} = %s LIMIT 1) "
        f"AS cpro_application_id, {holdings} AS cpro_holdings "
        f"FROM {quote(user_model._meta.db_table)} u LEFT OUTER JOIN "
        f"{quote(TechnicalAccount._meta.db_table)} ta ON ta.{quote('user_id')} = u.{quote('id')} "
        f"WHERE u.{quote('email')} = %s"
    )
    return sql, holdings_params, holdings != "NULL"


_SQL: dict[str, tuple] = {}


def _caller_row(token: str, login: str):
    """(application id or None, user, technical account's (id, is_active), the rows of its
    scope) of the login (stored lower-case, accounts.User.save), or None when no account
    has that login. One prepared statement (portal.prepared.cursor)."""
    found = _SQL.get(connection.vendor)
    if found is None:
        sql, holdings_params, holdings_read = _caller_sql()
        columns = prepared.field_converters(get_user_model())
        found = _SQL[connection.vendor] = (sql, holdings_params, holdings_read, columns)
    sql, holdings_params, holdings_read, columns = found
    checksum = hashlib.sha256(token.encode()).hexdigest()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [checksum, now, settings.DEPLOYMENT_ENVIRONMENT, *holdings_params, login.lower()]
    with prepared.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    count = len(columns)
    user = prepared.from_row(get_user_model(), columns, row[:count])
    account_id, active, application_id, holdings = row[count:]
    account = (account_id, None if active is None else bool(active))
    if not holdings_read:  # pragma: no cover - read apart by load_technical_scope
        return application_id, user, account, None
    return application_id, user, account, json.loads(holdings) if holdings else []


def _check_account(user, account: tuple, scope_rows: list | None = None) -> None:
    """401/403 rules of `cpro-account` once the password is verified; loads the scope
    (from `scope_rows` when the caller's statement read them)."""
    if not user.is_technical:
        raise Forbidden()
    account_id, account_active = account
    if not user.is_active or account_id is None or not account_active:
        raise Forbidden()
    if not access.load_technical_scope(user, scope_rows):  # no active managed structure
        raise Forbidden()


def caller_for(token: str, header: str | None) -> Caller:
    """The application of the bearer token and the technical account of `cpro-account`,
    or Unauthenticated / Forbidden (token first: an invalid token is a 401 whatever the
    header says)."""
    if not token:
        raise Unauthenticated()
    login, password = _decode_account(header) if header else ("", "")
    found = _caller_row(token, login) if login else None
    if found is None:
        # No such login (or an older login stored with capitals): the former path.
        application_id = application_for(token)
        if application_id is None:
            raise Unauthenticated()
        return Caller(user=technical_account(header), application_id=application_id)
    application_id, user, account, scope_rows = found
    if application_id is None:
        raise Unauthenticated()
    if not credentials.check_secret(password, user.password, user.pk):
        raise Unauthenticated()
    _check_account(user, account, scope_rows)
    return Caller(user=user, application_id=application_id)


def technical_account(header: str | None):
    """The active technical account of the `cpro-account` header; 401 or 403 otherwise."""
    if not header:
        raise Unauthenticated()
    login, password = _decode_account(header)
    user = (
        get_user_model()
        .objects.filter(email__iexact=login)
        .select_related("technical_account")
        .first()
    )
    if user is None or not credentials.check_secret(password, user.password, user.pk):
        raise Unauthenticated()
    account = getattr(user, "technical_account", None)
    _check_account(user, (account.pk, account.is_active) if account else (None, None))
    return user


class BearerOnly(HttpBearer):
    """health-check: the bearer token alone."""

    def __call__(self, request: HttpRequest):
        result = super().__call__(request)
        if result is None:
            raise Unauthenticated()
        return result

    def authenticate(self, request: HttpRequest, token: str):
        application_id = application_for(token.strip())
        if application_id is None:
            raise Unauthenticated()
        return Caller(user=None, application_id=application_id)


class CproAuth(BearerOnly):
    """Every other operation: bearer token, then `cpro-account`."""

    def authenticate(self, request: HttpRequest, token: str):
        caller = caller_for(token.strip(), request.headers.get("cpro-account"))
        request.user = caller.user
        return caller
