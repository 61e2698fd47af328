"""Login bookkeeping.

Django's own `update_last_login` receiver is replaced, not followed: it would overwrite
`last_login` before we could copy it into `previous_login` (the header shows the login
before the current one).
"""

from __future__ import annotations

from allauth.account.signals import password_reset
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete

from accounts import lockout, services
from accounts.models import AccountAttachment
from invoicing.documents.attachments import delete_file_on_commit


def record_login(sender, user, request=None, **kwargs) -> None:
    services.record_login(user)


def clear_lock_after_password_reset(sender, request, user, **kwargs) -> None:
    """ACC-6: the lock message offers a password reset; the reset lifts the lock."""
    lockout.clear_failed_logins(user)


def connect() -> None:
    password_reset.connect(clear_lock_after_password_reset, dispatch_uid="accounts_reset_unlocks")
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    user_logged_in.connect(record_login, dispatch_uid="accounts_record_login")
    post_delete.connect(
        delete_attachment_file, sender=AccountAttachment, dispatch_uid="accounts_attachment_file"
    )


def delete_attachment_file(sender, instance, **kwargs) -> None:
    """ACC-8: a deleted account file (or a deleted account's) leaves the disk after commit."""
    delete_file_on_commit(instance.path)
