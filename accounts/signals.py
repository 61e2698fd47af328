"""Login bookkeeping.

Django's own `update_last_login` receiver is replaced, not followed: it would overwrite
`last_login` before we could copy it into `previous_login` (the header shows the login
before the current one).
"""

from __future__ import annotations

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in

from accounts import services


def record_login(sender, user, request=None, **kwargs) -> None:
    services.record_login(user)


def connect() -> None:
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    user_logged_in.connect(record_login, dispatch_uid="accounts_record_login")
