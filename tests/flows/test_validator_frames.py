"""VAL-1 for flows: an A9 (subcontractor) or A12 (co-contractor) invoice deposited as a UBL
or CII flow names its validator (UBL `cac:SellerSupplierParty`, CII
`ram:SalesAgentTradeParty`, read only for these frames), and goes to it exactly as a
portal-deposited one does: A_VALIDER_1 by T3, in the validator's TO_VALIDATE list, hidden
from the recipient until validated, then made available."""

from __future__ import annotations

import pytest

from flows.enums import FlowState
from flows.services import deposit_flow
from invoicing import queries
from invoicing.deposit.services import send_invoice
from invoicing.enums import InvoiceStatus
from invoicing.models import Invoice, StatusEvent
from invoicing.recognition.structured import parse_invoice_xml
from structures import access
from structures.enums import Role
from tests.factories.accounts import UserFactory
from tests.factories.structures import StructureFactory, attach
from tests.flows.helpers import facturx, invoice_xml, upload
from tests.invoicing.deposit.helpers import upload_main
from validation import services as validation

pytestmark = pytest.mark.django_db
S = InvoiceStatus
SYNTAX = {"UBL": "IN_DP_E1_UBL_INVOICE", "CII": "IN_DP_E1_CII_16B"}


@pytest.fixture
def titulaire():
    structure = StructureFactory(company_name="Titulaire du marché SA")
    manager = UserFactory(email="titulaire@example.test")
    attach(manager, structure, Role.MAIN_MANAGER)
    access.open_area(structure, "TO_VALIDATE", actor=manager)
    validator = UserFactory(email="valideur@example.test")
    attach(validator, structure, Role.USER, {"TO_VALIDATE": "change"})
    structure.validator_user = validator
    return structure


def _flow(actor, supplier, content, syntax, capture, name="flux.xml"):
    with capture(execute=True):
        flow = deposit_flow(
            actor=actor, structure=supplier, uploaded_file=upload(content, name), syntax=syntax
        )
    flow.refresh_from_db()
    return flow


@pytest.mark.parametrize(
    ("syntax", "process", "frame"),
    [
        ("UBL", "A9_FACTURE_SOUSTRAITANT", "A9_FACTURE_SOUSTRAITANT"),
        ("CII", "A9", "A9_FACTURE_SOUSTRAITANT"),
        ("UBL", "A12", "A12_FACTURE_COTRAITANT"),
        ("CII", "A12_FACTURE_COTRAITANT", "A12_FACTURE_COTRAITANT"),
    ],
)
def test_flow_invoice_goes_to_its_validator(
    actor,
    supplier,
    recipient,
    titulaire,
    personas,
    syntax,
    process,
    frame,
    django_capture_on_commit_callbacks,
):
    content = invoice_xml(
        supplier,
        recipient,
        syntax=syntax,
        number=f"FLX-{process[:3]}-{syntax}",
        process=process,
        validator_ids=[("0009", titulaire.identifier)],
    )
    flow = _flow(actor, supplier, content, SYNTAX[syntax], django_capture_on_commit_callbacks)
    assert flow.state == FlowState.IN_INTEGRE, flow.invoice_errors
    invoice = Invoice.objects.get()
    assert invoice.frame == frame
    assert invoice.status == S.A_VALIDER_1
    assert invoice.validator == titulaire
    assert invoice.validator_identifier == titulaire.identifier
    assert invoice.validator_name == titulaire.company_name
    assert StatusEvent.objects.filter(invoice=invoice, transition="T3").exists()
    # VAL-2: in the validator's list, not yet at the recipient.
    assert list(validation.pending(titulaire.validator_user)) == [invoice]
    reviewer = personas.public_reviewer
    assert not queries.received_invoices(reviewer).filter(pk=invoice.pk).exists()
    # VAL-3: once validated it reaches the recipient.
    with django_capture_on_commit_callbacks(execute=True):
        validation.validate_invoice(
            invoice, actor=titulaire.validator_user, confirmed=True, message="Conforme"
        )
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    assert queries.received_invoices(reviewer).filter(pk=invoice.pk).exists()


def test_flow_and_portal_deposits_of_an_a9_are_the_same(
    actor, supplier, recipient, titulaire, django_capture_on_commit_callbacks
):
    """The portal's deposit takes the validator typed in its form; the flow's, the one its
    file names: both give the same routing, status and history."""
    from flows.mapping import deposit_data

    content = invoice_xml(
        supplier,
        recipient,
        syntax="UBL",
        number="FLX-A9-FLOW",
        process="A9",
        validator_ids=[("0009", titulaire.identifier)],
    )
    flow = _flow(actor, supplier, content, SYNTAX["UBL"], django_capture_on_commit_callbacks)
    assert flow.state == FlowState.IN_INTEGRE, flow.invoice_errors
    by_flow = Invoice.objects.get(number="FLX-A9-FLOW")

    typed = deposit_data(parse_invoice_xml(content.replace(b"FLX-A9-FLOW", b"PTL-A9")), supplier)
    typed["validator_identifier"] = titulaire.identifier  # as typed on the portal
    main = upload_main(actor)
    with django_capture_on_commit_callbacks(execute=True):
        by_portal = send_invoice(typed, actor=actor, main_attachment_id=main.pk)
    fields = ("status", "frame", "validator_id", "validator_identifier", "validator_name")
    assert [getattr(by_flow, f) for f in fields] == [getattr(by_portal, f) for f in fields]
    transitions = lambda i: list(  # noqa: E731
        i.events.order_by("pk").values_list("transition", "status")
    )
    assert transitions(by_flow) == transitions(by_portal)


@pytest.mark.parametrize("syntax", ["UBL", "CII"])
def test_a9_without_or_with_a_wrong_validator_is_an_invoice_error(
    actor, supplier, recipient, titulaire, syntax, django_capture_on_commit_callbacks
):
    missing = invoice_xml(supplier, recipient, syntax=syntax, number="A9-NONE", process="A9")
    flow = _flow(actor, supplier, missing, SYNTAX[syntax], django_capture_on_commit_callbacks)
    assert flow.state == FlowState.IN_REJETE
    assert "obligatoire pour le cadre A9" in flow.invoice_errors[0]["libelleErreurDP"]
    itself = invoice_xml(
        supplier,
        recipient,
        syntax=syntax,
        number="A9-SELF",
        process="A9",
        validator_ids=[("0009", supplier.identifier)],
    )
    flow = _flow(actor, supplier, itself, SYNTAX[syntax], django_capture_on_commit_callbacks)
    assert flow.state == FlowState.IN_REJETE
    assert "différente de la structure fournisseur" in flow.invoice_errors[0]["libelleErreurDP"]
    assert not Invoice.objects.exists()


def test_a1_ignores_a_seller_agent_party(
    actor, supplier, recipient, titulaire, django_capture_on_commit_callbacks
):
    content = invoice_xml(
        supplier,
        recipient,
        number="A1-AGENT",
        process="A1",
        validator_ids=[("0009", titulaire.identifier)],
    )
    flow = _flow(actor, supplier, content, SYNTAX["CII"], django_capture_on_commit_callbacks)
    assert flow.state == FlowState.IN_INTEGRE, flow.invoice_errors
    invoice = Invoice.objects.get()
    assert invoice.validator is None and invoice.status == S.MISE_A_DISPOSITION


def test_facturx_extended_a12_goes_to_its_validator(
    actor, supplier, recipient, titulaire, django_capture_on_commit_callbacks
):
    xml = invoice_xml(
        supplier,
        recipient,
        number="FX-A12",
        process="A12",
        validator_ids=[("0009", titulaire.identifier)],
        guideline="urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
        level="extended",
    )
    pdf = facturx(xml, level="extended")
    flow = _flow(
        actor, supplier, pdf, "IN_DP_E2_CII_FACTURX", django_capture_on_commit_callbacks, "f.pdf"
    )
    assert flow.state == FlowState.IN_INTEGRE, flow.invoice_errors
    invoice = Invoice.objects.get()
    assert (invoice.status, invoice.validator) == (S.A_VALIDER_1, titulaire)


def test_the_portal_form_is_prefilled_with_the_validator(actor, supplier, recipient, titulaire):
    """The portal's structured deposit pre-fills the same validator the flow takes."""
    from invoicing.deposit.initial import initial_from_prefill
    from invoicing.recognition import Prefill

    content = invoice_xml(
        supplier,
        recipient,
        syntax="UBL",
        process="A9",
        validator_ids=[("0009", titulaire.identifier)],
    )
    values = parse_invoice_xml(content)
    initial = initial_from_prefill(Prefill(**values, has_text=True, source="xml"), user=actor)
    assert initial["frame"] == "A9_FACTURE_SOUSTRAITANT"
    assert initial["validator_identifier"] == titulaire.identifier
