"""Use cases of technical accounts and API connections (DOMAIN §11).

create_technical_account(structure, actor=)   TEC-1..TEC-3: (account, password shown once)
contact_address(account)                       TEC-5: the current main manager's address
reset_technical_password(account, actor=)      TEC-4: a new password, mailed notice
declare_connection(structure, actor=, ...)     TEC-6..TEC-8: (connection, client secret)
revoke_connection(connection, actor=)          TEC-9: its tokens die at once
"""

from __future__ import annotations

import secrets
import string

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken, Application, RefreshToken

from api.enums import Environment
from api.models import Connection, TechnicalAccount
from notifications import services as outbox
from portal.areas import AreaCode, Mode
from structures import access
from structures.models import Membership, Structure

PASSWORD_LENGTH = 20  # TEC-3: at least 16 characters
SANDBOX_PREFIX = "APP_SANDBOX_"
_ALPHABET = string.ascii_letters + string.digits + "-_.!"


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    """TEC-3: a random password of `length` characters with every character class."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
        ):
            return candidate


def technical_login(sequence: int, structure: Structure) -> str:
    """TEC-2: TECH_<n>_<identifier>@<domain>."""
    return f"TECH_{sequence}_{structure.identifier}@{settings.TECHNICAL_ACCOUNT_DOMAIN}".lower()


def main_manager_of(structure: Structure | int):
    user_id = (
        Membership.objects.on(structure).main_managers().values_list("user_id", flat=True).first()
    )
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def active_account_of(structure: Structure | int) -> TechnicalAccount | None:
    return (
        TechnicalAccount.objects.filter(structure=structure, is_active=True)
        .select_related("user")
        .first()
    )


def contact_address(account: TechnicalAccount) -> str:
    """TEC-5: a technical account's contact address (ACC-2) is its structure's current main
    manager's; the stored one (kept in step at creation and at each transfer) otherwise."""
    manager = main_manager_of(account.structure_id)
    if manager is not None:
        return manager.notification_email
    return account.user.contact_email or ""


def _mail_main_manager(account: TechnicalAccount, template: str) -> None:
    """NOT-1: the main manager of the day (TEC-5) is told, never the password."""
    manager = main_manager_of(account.structure_id)
    if manager is not None:
        outbox.send_transactional(
            manager,
            template,
            context={"login": account.user.email, "when": timezone.now()},
            structure=account.structure,
        )


@transaction.atomic
def create_technical_account(structure: Structure, *, actor) -> tuple[TechnicalAccount, str]:
    """TEC-1: only the main manager; at most one active technical account per structure."""
    access.require_main_manager(actor, structure)
    locked = Structure.objects.select_for_update().get(pk=structure.pk)
    if active_account_of(locked) is not None:
        raise ValidationError(_("Cette structure a déjà un utilisateur technique actif."))
    password = generate_password()
    manager = main_manager_of(locked)
    contact = manager.notification_email if manager is not None else actor.notification_email
    for _attempt in range(5):
        sequence = (TechnicalAccount.objects.aggregate(n=Max("sequence"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_user(
                    email=technical_login(sequence, locked),
                    password=password,
                    is_technical=True,
                    contact_email=contact,
                    last_name=_("Utilisateur technique"),
                    first_name=locked.identifier,
                )
                account = TechnicalAccount.objects.create(
                    user=user, structure=locked, sequence=sequence, created_by=actor
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - five concurrent creations in a row
        raise ValidationError(_("Réessayez dans un instant."))
    _mail_main_manager(account, "technical_account_created")
    return account, password


@transaction.atomic
def reset_technical_password(account: TechnicalAccount, *, actor) -> str:
    """TEC-4: a new password (shown once); the main manager is mailed."""
    access.require_main_manager(actor, account.structure_id)
    password = generate_password()
    user = account.user
    user.set_password(password)
    user.save(update_fields=["password"])
    account.password_set_at = timezone.now()
    account.save(update_fields=["password_set_at"])
    _mail_main_manager(account, "technical_account_reset")
    return password


# --- Connections (CONNECTIONS area) ------------------------------------------------------


def connection_structures(user, mode: Mode | str = Mode.VIEW) -> QuerySet[Structure]:
    return access.structures_with_area(user, AreaCode.CONNECTIONS, mode)


def connections_visible_to(user) -> QuerySet[Connection]:
    return Connection.objects.filter(
        structure__in=connection_structures(user).values("pk")
    ).select_related("structure", "application")


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Le nom de l'application est obligatoire.")})
    if settings.DEPLOYMENT_ENVIRONMENT == Environment.PRODUCTION and name.upper().startswith(
        SANDBOX_PREFIX
    ):
        raise ValidationError(
            {"name": _("Les noms commençant par APP_SANDBOX_ sont réservés à la qualification.")}
        )
    if Connection.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("Ce nom d'application est déjà utilisé.")})
    return name


@transaction.atomic
def declare_connection(
    structure: Structure,
    *,
    actor,
    name: str,
    environment: str,
    usage: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    client_secret: str | None = None,
) -> tuple[Connection, str]:
    """TEC-6/TEC-7: the OAuth2 application and its credentials; the secret is returned
    once (only its hash is stored). `client_secret` is fixed only by the demo data."""
    if not access.has_area(actor, structure, AreaCode.CONNECTIONS, Mode.CHANGE):
        raise PermissionDenied(
            _("Vous n'avez pas l'espace « Raccordement EDI et API » en modification.")
        )
    name = _check_name(name)
    if environment not in Environment.values:
        raise ValidationError({"environment": _("Choisissez un environnement.")})
    secret = client_secret or secrets.token_urlsafe(36)
    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
    )
    connection = Connection.objects.create(
        structure=structure,
        name=name,
        environment=environment,
        usage=usage,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=(contact_phone or "").strip(),
        application=application,
        created_by=actor,
    )
    return connection, secret


@transaction.atomic
def revoke_connection(connection: Connection, *, actor) -> Connection:
    """TEC-9: revoking invalidates every token of the application at once."""
    if not access.has_area(actor, connection.structure_id, AreaCode.CONNECTIONS, Mode.CHANGE):
        raise PermissionDenied(
            _("Vous n'avez pas l'espace « Raccordement EDI et API » en modification.")
        )
    locked = Connection.objects.select_for_update().get(pk=connection.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    RefreshToken.objects.filter(application_id=locked.application_id).delete()
    AccessToken.objects.filter(application_id=locked.application_id).delete()
    return locked
