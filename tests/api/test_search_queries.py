"""N+1 guards: every search answers in the same number of queries for 1 and 3 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.enums import Frame, InvoiceStatus
from portal.areas import AreaCode
from tests.api.conftest import grant
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import ServiceFactory


def _count(api, path, body):
    api.post(path, body)  # warm the credentials cache
    with CaptureQueriesContext(connection) as queries:
        response = api.post(path, body)
    assert response.json()["codeRetour"] == 0, response.json()
    return len(queries)


@pytest.mark.parametrize(
    ("who", "path", "kind"),
    [
        ("supplier", "factures/v1/rechercher/fournisseur", "issued"),
        ("public", "factures/v1/rechercher/recipiendaire", "received"),
        ("public", "factures/v1/rechercher/valideur", "validate"),
    ],
)
def test_invoice_searches_have_constant_queries(world, who, path, kind):
    personas = world.personas
    grant(world.public_main, personas.public, AreaCode.TO_VALIDATE)
    service = ServiceFactory(structure=personas.public)

    def make():
        return InvoiceFactory(
            supplier=personas.structure,
            recipient=personas.public,
            recipient_service=service,
            frame=Frame.A9 if kind == "validate" else Frame.A1,
            validator=personas.public if kind == "validate" else None,
            status=InvoiceStatus.A_VALIDER_1
            if kind == "validate"
            else InvoiceStatus.MISE_A_DISPOSITION,
        )

    api = getattr(world, who)
    make()
    one = _count(api, path, {"recupererTaille": True})
    make(), make()
    three = _count(api, path, {"recupererTaille": True})
    assert one == three


def test_structure_and_commitment_searches_have_constant_queries(world):
    api = world.supplier
    for path, body in (
        ("structures/v1/rechercher", {"restreindreStructuresPrivees": False}),
        ("utilisateurs/v1/monCompte/recuperer/rattachements", {}),
        ("transverses/v1/rechercher/destinataire", {}),
    ):
        one = _count(api, path, body)
        from structures.enums import Role
        from tests.factories.structures import PublicStructureFactory, StructureFactory, attach

        PublicStructureFactory(), PublicStructureFactory()
        extra = StructureFactory()
        attach(world.personas.main_manager, extra, Role.MAIN_MANAGER)
        ServiceFactory(structure=extra)
        three = _count(api, path, body)
        assert one == three, path
