"""API test fixtures: an application with a token, technical accounts of the personas'
supplier and public structures, and a client that speaks the API's headers."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import pytest
from django.test import Client

from api import services as api_services
from api.enums import Environment, UsageType
from portal.areas import AreaCode, Mode
from structures import access
from structures.enums import Role
from tests.factories.accounts import UserFactory
from tests.factories.structures import StructureFactory, attach

SECRET = "s3cret-client-secret-for-tests-0123456789"


def account_header(login: str, password: str) -> str:
    return base64.b64encode(f"{login}:{password}".encode()).decode()


@dataclass
class Api:
    client: Client
    token: str
    account: str  # the cpro-account header value

    def post(
        self,
        path: str,
        body=None,
        *,
        account: str | None = None,
        token: str | None = None,
        raw: bytes | None = None,
        **extra,
    ):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token or self.token}"}
        if account is not False:
            headers["HTTP_CPRO_ACCOUNT"] = account or self.account
        data = raw if raw is not None else json.dumps({} if body is None else body)
        return self.client.post(
            f"/cpro/{path}", data=data, content_type="application/json", **headers, **extra
        )

    def as_account(self, account: str) -> Api:
        return Api(self.client, self.token, account)


def declare(structure, actor, name="APP_TEST", environment=Environment.QUALIFICATION):
    if not access.is_area_open(structure, AreaCode.CONNECTIONS):
        access.open_area(structure, AreaCode.CONNECTIONS, actor=None)
    connection, secret = api_services.declare_connection(
        structure,
        actor=actor,
        name=name,
        environment=environment,
        usage=UsageType.DIRECT,
        contact_name="Contact",
        contact_email="contact@example.test",
        client_secret=SECRET if name == "APP_TEST" else None,
    )
    return connection, secret


def get_token(client: Client, client_id: str, secret: str, **extra) -> str:
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            **extra,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@dataclass
class World:
    personas: object
    connection: object
    secret: str
    supplier_login: str
    supplier_password: str
    public_login: str
    public_password: str
    supplier: Api
    public: Api
    public_main: object


@pytest.fixture
def world(personas, client) -> World:
    public_main = personas.public.memberships.get(role=Role.MAIN_MANAGER).user
    connection, secret = declare(personas.structure, personas.main_manager)
    supplier_account, supplier_password = api_services.create_technical_account(
        personas.structure, actor=personas.main_manager
    )
    public_account, public_password = api_services.create_technical_account(
        personas.public, actor=public_main
    )
    token = get_token(client, connection.application.client_id, secret)
    supplier_header = account_header(supplier_account.user.email, supplier_password)
    public_header = account_header(public_account.user.email, public_password)
    return World(
        personas=personas,
        connection=connection,
        secret=secret,
        supplier_login=supplier_account.user.email,
        supplier_password=supplier_password,
        public_login=public_account.user.email,
        public_password=public_password,
        supplier=Api(client, token, supplier_header),
        public=Api(client, token, public_header),
        public_main=public_main,
    )


@pytest.fixture
def other_api(world, client) -> Api:
    """The technical account of a structure that has nothing to do with ours."""
    other = StructureFactory(company_name="Intrus SA")
    manager = UserFactory(email="intrus@example.test")
    attach(manager, other, Role.MAIN_MANAGER)
    access.open_area(other, AreaCode.RECEIVED, actor=None)
    access.open_area(other, AreaCode.TO_VALIDATE, actor=None)
    account, password = api_services.create_technical_account(other, actor=manager)
    return world.supplier.as_account(account_header(account.user.email, password))


def grant(user, structure, area: str, mode: str = Mode.CHANGE):
    if not access.is_area_open(structure, area):
        access.open_area(structure, area, actor=None)
    access.grant_area(user, structure, area, mode, actor=None)
