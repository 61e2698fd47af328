"""Two-factor authentication of the demo staff accounts.

The admin requires a second factor of staff (portal/admin.py). The demo's staff accounts get
TOTP with a published secret, so anyone trying the demo can produce the codes: add the
secret to an authenticator app, or run `python manage.py demo_totp`.
"""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

# Public on purpose (README): a demo, never a real deployment's secret.
DEMO_TOTP_SECRET = "CHORUSPRODEMOSTAFFTOTPSECRETABCD"  # noqa: S105
STAFF_LOGINS = ("admin@chorus-demo.test", "support@chorus-demo.test")


def ensure_totp(user) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


def current_code(at: float | None = None) -> str:
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(at or time.time()) // 30))
