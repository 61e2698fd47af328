"""Who calls (API.md §2.2, §2.3): the bearer token of an application, then the technical
account of the `cpro-account` header (TEC-9: any active application with any active
technical account).

A few queries per call: the token with its application and connection, the account with
its technical-account row; the PBKDF2 check of the password is cached briefly
(`api.credentials`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken

from api import credentials
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
    if not sep or not login or not password:
        raise Unauthenticated()
    return login.strip(), password


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
    if user is None or not credentials.check_secret(password, user.password):
        raise Unauthenticated()
    if not user.is_technical:
        raise Forbidden()
    account = getattr(user, "technical_account", None)
    if not user.is_active or account is None or not account.is_active:
        raise Forbidden()
    if not access.managed_structures(user).filter(is_active=True).exists():
        raise Forbidden()
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
        caller = super().authenticate(request, token)
        caller.user = technical_account(request.headers.get("cpro-account"))
        request.user = caller.user
        return caller
