"""Account use cases (ACCOUNT area): each one changes the user's own data only."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from structures.enums import Role


def _check_self(user: User, actor: User) -> None:
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied


@transaction.atomic
def update_personal_info(
    user: User, *, actor: User, first_name: str, last_name: str, phone: str
) -> User:
    _check_self(user, actor)
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.phone = phone.strip()
    user.save(update_fields=["first_name", "last_name", "phone"])
    return user


@transaction.atomic
def update_contact_email(user: User, *, actor: User, contact_email: str) -> User:
    """ACC-2: the contact address receives activity notifications; the login stays."""
    _check_self(user, actor)
    user.contact_email = contact_email.strip().lower() or user.email
    user.save(update_fields=["contact_email"])
    return user


@transaction.atomic
def set_language(user: User, language: str, *, actor: User) -> User:
    """ACC-10: the UI language, also the language of the user's mails."""
    _check_self(user, actor)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Langue inconnue."), code="language")
    user.language = language
    user.save(update_fields=["language"])
    return user


def must_receive_activity_notifications(user: User) -> bool:
    """NOT-4: a main manager cannot untick the activity notifications."""
    return user.memberships.filter(role=Role.MAIN_MANAGER).exists()


def receives_activity_notifications(user: User) -> bool:
    """Who gets the activity digests (NOT-2): the ticked box, or any main manager."""
    return user.notify_activity or must_receive_activity_notifications(user)


@transaction.atomic
def set_activity_notifications(user: User, enabled: bool, *, actor: User) -> User:
    """ACC-9 / NOT-4."""
    _check_self(user, actor)
    if not enabled and must_receive_activity_notifications(user):
        raise ValidationError(
            _(
                "En tant que gestionnaire principal d'une structure, vous ne pouvez pas "
                "désactiver les notifications périodiques d'activité."
            ),
            code="main_manager_notifications",
        )
    user.notify_activity = enabled
    user.save(update_fields=["notify_activity"])
    return user


def record_login(user: User) -> None:
    """On login: "Dernière connexion" shows the login before this one; failures are reset."""
    now = timezone.now()
    # One UPDATE: SET expressions read the values from before the update.
    User.objects.filter(pk=user.pk).update(
        previous_login=F("last_login"), last_login=now, failed_logins=0, locked_until=None
    )
    user.previous_login = user.last_login
    user.last_login = now
    user.failed_logins = 0
    user.locked_until = None


def resend_activation(email: str, *, request) -> bool:
    """ACC-4: mail a new activation link (the previous ones stop working).

    Returns whether a mail was sent. Callers answer the same way in every case, so the
    page does not reveal which addresses have an account.
    """
    address = (
        EmailAddress.objects.filter(email__iexact=email.strip(), verified=False)
        .select_related("user")
        .first()
    )
    if address is None or not address.user.is_active or address.user.is_technical:
        return False
    if not ratelimit.consume(request, action="confirm_email", key=address.email.lower()):
        return False
    address.send_confirmation(request, signup=False)
    return True
