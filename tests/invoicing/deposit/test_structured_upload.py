"""Structured files through the web deposit (issue 13): real-world XML is read, hostile or
broken XML is refused with a message (never a 500), a SIREN under scheme 0002 matches only
an unambiguous recipient, and a form that contradicts its XML is flagged before sending."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from invoicing.models import Attachment, Invoice
from tests.factories.structures import PublicStructureFactory
from tests.invoicing import samples
from tests.invoicing.deposit.helpers import form_payload, pdf_upload
from tests.invoicing.recognition.corpus.cases import COMMENT, PI
from tests.invoicing.recognition.corpus.spec import Case
from tests.invoicing.recognition.corpus.writers import cii, ubl

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(client, actor):
    client.force_login(actor)
    return client


def upload(client, content: bytes, name: str = "facture.xml"):
    return client.post(reverse("invoicing:deposit_upload"), {"file": pdf_upload(content, name)})


def field_value(html, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def form_html(client, response) -> str:
    assert response.status_code == 302, response.content.decode()[:1500]
    return client.get(response["Location"]).content.decode()


def xml_for(supplier, recipient, *, writer=ubl, **kw) -> bytes:
    case = Case(
        "web",
        seller_ids=[("0009", supplier.identifier)],
        buyer_ids=kw.pop("buyer_ids", [("0009", recipient.identifier)]),
        buyer_reference=None,
        order=None,
        **kw,
    )
    return writer(case).encode()


@pytest.mark.parametrize("writer", [ubl, cii], ids=["ubl", "cii"])
@pytest.mark.parametrize("prolog", [COMMENT, PI, "\ufeff" + COMMENT], ids=["comment", "pi", "bom"])
def test_xml_with_a_comment_or_pi_before_its_root_prefills_the_form(
    logged, supplier, recipient, writer, prolog
):
    """The known crash: a comment before the root made detection raise TypeError (500)."""
    content = xml_for(supplier, recipient, writer=writer, prolog=prolog, number="XML-COMMENT-1")

    html = form_html(logged, upload(logged, content))

    assert field_value(html, "number") == "XML-COMMENT-1"
    assert field_value(html, "recipient_identifier") == recipient.identifier
    assert field_value(html, "amount_ttc") == "1200.00"
    assert Attachment.objects.get().original_name == "facture.xml"


def _huge_text_node() -> bytes:
    # libxml2 refuses a text node over 10,000,000 bytes without huge_tree; the file stays
    # under the 10 MB upload limit (ATT-3) so the XML reader is what refuses it.
    return (
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
        b'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        b"<cbc:Note>" + b"A" * 10_000_100 + b"</cbc:Note></Invoice>"
    )


REFUSALS = {
    "xxe": (samples.xxe_xml(), "déclaration DTD ou des entités"),
    "billion-laughs": (samples.billion_laughs_xml(), "déclaration DTD ou des entités"),
    "huge-text-node": (_huge_text_node(), "mal formé"),
    "malformed": (b"<?xml version='1.0'?><!-- x --><Invoice><cbc:ID>1</Invoice>", "mal formé"),
    "not-an-invoice": (
        b"<!-- rss --><rss version='2.0'><channel/></rss>",
        "pas une facture reconnue",
    ),
    "comment-only": (b"<?xml version='1.0'?><!-- rien -->", "mal formé"),
}


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_unreadable_or_hostile_xml_is_refused_with_a_message(logged, kind):
    content, message = REFUSALS[kind]

    response = upload(logged, content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_siren_under_0002_matches_the_only_recipient_of_that_siren(logged, supplier, recipient):
    content = xml_for(supplier, recipient, buyer_ids=[("0002", recipient.identifier[:9])])

    html = form_html(logged, upload(logged, content))

    assert field_value(html, "recipient_identifier") == recipient.identifier


def test_siren_under_0002_shared_by_two_recipients_is_not_guessed(logged, supplier, recipient):
    sibling = recipient.identifier[:9] + "99999"
    PublicStructureFactory(identifier=sibling)
    content = xml_for(supplier, recipient, buyer_ids=[("0002", recipient.identifier[:9])])

    html = form_html(logged, upload(logged, content))

    assert field_value(html, "recipient_identifier") == ""


def test_siret_under_0002_is_read_as_a_siret(logged, supplier, recipient):
    content = xml_for(supplier, recipient, writer=cii, buyer_ids=[("0002", recipient.identifier)])

    html = form_html(logged, upload(logged, content))

    assert field_value(html, "recipient_identifier") == recipient.identifier


def test_form_that_contradicts_the_xml_is_flagged_before_sending(logged, supplier, recipient):
    content = xml_for(supplier, recipient, number="XML-1")
    upload(logged, content)
    main = Attachment.objects.get()
    payload = form_payload(
        supplier,
        recipient,
        main_attachment=str(main.pk),
        number="FORM-1",
        amount_ht="1100.00",
        amount_tva="220.00",
        amount_ttc="1320.00",
        amount_to_pay="1320.00",
        action="validate",
    )

    response = logged.post(reverse("invoicing:deposit_form"), payload, follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    block = html[html.index('id="structured-disagreements"') :]
    block = block[: block.index("</div>")]
    assert "XML-1 dans le fichier, FORM-1 dans le formulaire" in block
    assert "1200.00 dans le fichier, 1320.00 dans le formulaire" in block
    assert recipient.identifier not in block  # the recipient agrees
    assert not Invoice.objects.exists()


def test_form_that_agrees_with_the_xml_shows_no_warning(logged, supplier, recipient):
    content = xml_for(supplier, recipient, number="FA-2024-0042")
    upload(logged, content)
    main = Attachment.objects.get()
    payload = form_payload(
        supplier, recipient, main_attachment=str(main.pk), invoice_date="2026-03-12"
    )
    payload["action"] = "validate"

    response = logged.post(reverse("invoicing:deposit_form"), payload, follow=True)

    assert response.status_code == 200
    assert 'id="confirm-form"' in response.content.decode()
    assert 'id="structured-disagreements"' not in response.content.decode()
