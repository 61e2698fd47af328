"""Demo API access (idempotent): for the demo supplier and the demo State recipient, one
declared qualification application and one technical account, with fixed published
credentials (README "API") printed by seed_demo."""

from __future__ import annotations

from django.conf import settings

from api import services
from api.enums import Environment, UsageType
from api.models import Connection
from demo.structures import STATE_SIRET, SUPPLIER_SIRET
from portal.areas import AreaCode
from structures import access
from structures.models import Structure

# (SIRET, application name, client_id, client_secret, technical password): public demo values.
DEMO_API = (
    (
        SUPPLIER_SIRET,
        "APP_SANDBOX_DEMO_FOURNISSEUR",
        "demo-fournisseur",
        "Demo-Client-Secret-Fournisseur-2026",
        "Demo-Technique-Fournisseur-2026",
    ),
    (
        STATE_SIRET,
        "APP_SANDBOX_DEMO_ETAT",
        "demo-etat",
        "Demo-Client-Secret-Etat-2026",
        "Demo-Technique-Etat-2026",
    ),
)


def _connection(structure: Structure, manager, name: str, client_id: str, secret: str):
    access.open_area(structure, AreaCode.CONNECTIONS, actor=None)
    connection = Connection.objects.filter(name=name).select_related("application").first()
    if connection is None:
        connection, _secret = services.declare_connection(
            structure,
            actor=manager,
            name=name,
            environment=Environment.QUALIFICATION,
            usage=UsageType.DIRECT,
            contact_name=manager.get_full_name() or manager.email,
            contact_email=manager.email,
            client_secret=secret,
        )
    application = connection.application
    if application.client_id != client_id or not application.client_secret.startswith("pbkdf2"):
        application.client_id = client_id
        application.client_secret = secret
        application.save()
    if (
        connection.revoked_at is not None
        or connection.environment != settings.DEPLOYMENT_ENVIRONMENT
    ):
        Connection.objects.filter(pk=connection.pk).update(
            revoked_at=None, environment=settings.DEPLOYMENT_ENVIRONMENT
        )
    return connection


def _technical(structure: Structure, manager, password: str):
    account = services.active_account_of(structure)
    if account is None:
        account, _password = services.create_technical_account(structure, actor=manager)
    if not account.user.check_password(password):
        account.user.set_password(password)
        account.user.save(update_fields=["password"])
    return account


def seed(stdout) -> None:
    for siret, name, client_id, secret, password in DEMO_API:
        structure = Structure.objects.get(identifier=siret, is_active=True)
        manager = services.main_manager_of(structure)
        _connection(structure, manager, name, client_id, secret)
        account = _technical(structure, manager, password)
        stdout.write(
            f"API {structure.company_name}: client_id={client_id} client_secret={secret} "
            f"cpro-account login={account.user.email} password={password}"
        )
