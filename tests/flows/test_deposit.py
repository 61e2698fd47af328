"""FLW-1, FLW-2, FLW-4, FLW-6, FLW-9: what a deposit refuses at once, and what makes the
flow IN_REJETE with its technical or per-invoice errors."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import File

from flows.enums import FlowState
from flows.errors import FlowError
from flows.models import Flow
from flows.reading import MAX_FLOW_SIZE
from flows.services import deposit_flow
from invoicing.models import Invoice
from tests.flows.helpers import invoice_xml, upload
from tests.invoicing import samples

pytestmark = pytest.mark.django_db
CII = "IN_DP_E1_CII_16B"


def deposit(actor, supplier, content, syntax=CII, name="flux.xml", capture=None):
    return deposit_flow(
        actor=actor, structure=supplier, uploaded_file=upload(content, name), syntax=syntax
    )


@pytest.fixture
def integrated(django_capture_on_commit_callbacks, actor, supplier):
    def run(content, syntax=CII, name="flux.xml") -> Flow:
        with django_capture_on_commit_callbacks(execute=True):
            flow = deposit(actor, supplier, content, syntax, name)
        flow.refresh_from_db()
        return flow

    return run


@pytest.mark.parametrize("syntax", ["IN_DP_E2_UBL_INVOICE_MIN", "IN_DP_E1_XCBL", "", "PDF"])
def test_unsupported_syntax_is_refused_with_20006(actor, supplier, recipient, syntax):
    with pytest.raises(FlowError) as caught:
        deposit(actor, supplier, invoice_xml(supplier, recipient), syntax)
    assert (caught.value.code, str(caught.value.message)) == (
        20006,
        "Syntaxe de flux non supportée",
    )
    assert not Flow.objects.exists()


def test_flow_over_30_mb_is_refused_with_20001(actor, supplier):
    big = File(io.BytesIO(b"<a/>"), name="gros.xml")
    big.size = MAX_FLOW_SIZE + 1
    with pytest.raises(FlowError) as caught:
        deposit_flow(actor=actor, structure=supplier, uploaded_file=big, syntax=CII)
    assert caught.value.code == 20001
    assert not Flow.objects.exists()


def test_depositor_without_issued_change_is_refused(personas, supplier, recipient):
    with pytest.raises(FlowError) as caught:
        deposit(personas.simple_view, supplier, invoice_xml(supplier, recipient))
    assert caught.value.code == 20016


def test_numbers_are_cpp_and_22_digits_increasing(actor, supplier, recipient):
    first = deposit(actor, supplier, invoice_xml(supplier, recipient))
    second = deposit(actor, supplier, invoice_xml(supplier, recipient))
    for flow in (first, second):
        assert flow.number.startswith("CPP") and flow.number[3:].isdigit()
        assert len(flow.number[3:]) == 22
    assert second.number > first.number
    assert first.state == FlowState.IN_RECU


@pytest.mark.parametrize(
    ("content", "syntax", "code"),
    [
        (b"<Invoice><broken></Invoice>", CII, "xml_invalid"),
        (samples.xxe_xml(), "IN_DP_E1_UBL_INVOICE", "xml_forbidden"),
        (samples.random_bytes(), CII, "not_recognised"),
    ],
    ids=["malformed", "xxe", "binary"],
)
def test_unreadable_file_rejects_the_flow_with_a_technical_error(integrated, content, syntax, code):
    flow = integrated(content, syntax)

    assert flow.state == FlowState.IN_REJETE
    assert [e["codeErreur"] for e in flow.technical_errors] == [code]
    assert flow.invoice_errors == []


def test_content_of_another_syntax_rejects_the_flow(integrated, supplier, recipient):
    flow = integrated(invoice_xml(supplier, recipient, syntax="UBL"), CII)

    assert flow.state == FlowState.IN_REJETE
    assert flow.technical_errors[0]["codeErreur"] == "syntax_mismatch"
    assert flow.technical_errors[0]["natureErreur"] == "SYNTAXE"
    assert "ne correspond pas à la syntaxe déclarée" in flow.technical_errors[0]["libelleErreur"]


def test_unknown_supplier_siret_is_flw6(integrated, supplier, recipient):
    flow = integrated(
        invoice_xml(supplier, recipient, seller_ids=[("0009", "44229377500031")], number="F-6")
    )

    assert flow.state == FlowState.IN_REJETE
    assert flow.invoice_errors == [
        {
            "identifiantDestinataire": recipient.identifier,
            "identifiantFournisseur": "44229377500031",
            "numeroDP": "F-6",
            "libelleErreurDP": "L'identifiant fournisseur de la demande de paiement n'est pas "
            "référencé dans notre système",
        }
    ]


def test_inconsistent_totals_are_an_en16931_error(integrated, supplier, recipient):
    xml = invoice_xml(supplier, recipient, number="F-TOT").replace(
        b"<ram:GrandTotalAmount>1200.00", b"<ram:GrandTotalAmount>1250.00"
    )

    flow = integrated(xml)

    assert flow.state == FlowState.IN_REJETE
    reasons = [e["libelleErreurDP"] for e in flow.invoice_errors]
    assert reasons == [
        "Le montant TTC (BT-112 = 1250.00) n'est pas égal au montant HT (BT-109 = 1000.00) "
        "augmenté de la TVA (BT-110 = 200.00)."
    ]
    assert not Invoice.objects.exists()


def test_schema_violation_is_an_invoice_error(integrated, supplier, recipient):
    xml = invoice_xml(supplier, recipient).replace(
        b"<ram:TypeCode>380", b"<ram:Inconnu>1</ram:Inconnu><ram:TypeCode>380"
    )

    flow = integrated(xml)

    assert flow.state == FlowState.IN_REJETE
    assert "n'est pas conforme au schéma XML" in flow.invoice_errors[0]["libelleErreurDP"]


def test_credit_note_without_original_number_fails_the_deposit_check(
    integrated, supplier, recipient
):
    xml = invoice_xml(supplier, recipient, type_code="381", number="AV-1")

    flow = integrated(xml)

    assert [e["libelleErreurDP"] for e in flow.invoice_errors] == [
        "Le numéro de la facture d'origine est obligatoire pour un avoir."
    ]


def test_duplicate_number_is_inv5_for_the_second_flow(integrated, supplier, recipient):
    xml = invoice_xml(supplier, recipient, number="DUP-1")
    assert integrated(xml).state == FlowState.IN_INTEGRE

    again = integrated(xml)

    assert again.state == FlowState.IN_REJETE
    assert again.invoice_errors[0]["libelleErreurDP"] == "Ce numéro de facture a déjà été utilisé"
    assert Invoice.objects.count() == 1


def test_siren_under_0002_of_a_single_recipient_is_integrated(integrated, supplier, recipient):
    xml = invoice_xml(supplier, recipient, buyer_ids=[("0002", recipient.identifier[:9])])

    flow = integrated(xml)

    assert flow.state == FlowState.IN_INTEGRE
    assert Invoice.objects.get().recipient == recipient


def test_without_a_structure_the_callers_own_is_used(actor, supplier, recipient):
    """API deposer/flux names no structure: the depositor's one with ISSUED in modification."""
    flow = deposit_flow(
        actor=actor, uploaded_file=upload(invoice_xml(supplier, recipient)), syntax=CII
    )
    assert flow.structure == supplier
