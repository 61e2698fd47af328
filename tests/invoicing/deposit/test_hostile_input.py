"""Issue 9: hostile values on the deposit screens answer a clear message, never a 500
("²" passes str.isdigit() but not int(), PostgreSQL refuses NUL bytes, amounts beyond the
money columns broke the rounding of the totals)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from invoicing.deposit import uploads
from invoicing.enums import InvoiceStatus
from invoicing.models import Invoice
from tests.factories.invoicing import InvoiceFactory
from tests.invoicing import samples
from tests.invoicing.deposit.helpers import entry_payload, form_payload, lines_payload

pytestmark = pytest.mark.django_db

CONTROL_MESSAGE = "caractères de contrôle non autorisés"
TOO_LARGE = "Le montant dépasse la valeur maximale autorisée"
HUGE = "9999999999999"


@pytest.fixture
def logged(client, actor):
    client.force_login(actor)
    return client


@pytest.fixture
def mandate(supplier):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    return supplier


# --- Ids ---------------------------------------------------------------------------------


@pytest.mark.parametrize("draft", ["²", "9" * 40, "a\x00b", "0"])
def test_attachment_upload_with_a_forged_draft_id_is_not_a_server_error(logged, draft):
    response = logged.post(reverse("invoicing:attachment_upload"), {"draft": draft})

    assert response.status_code == 200
    assert Invoice.objects.count() == 0


@pytest.mark.parametrize("value", ["²", "9" * 40, "1E+30"])
def test_entry_with_a_forged_supplier_or_line_count_answers_the_form(
    logged, supplier, recipient, value
):
    payload = entry_payload(supplier, recipient, "add_line")
    payload.update({"supplier": value, "lines-TOTAL_FORMS": value})

    response = logged.post(reverse("invoicing:deposit_entry"), payload)

    assert response.status_code == 400
    assert "Choisissez une de vos structures." in response.content.decode()


@pytest.mark.parametrize("value", ["²", "9" * 40, "a\x00b"])
def test_issued_synthesis_with_a_forged_structure_shows_every_structure(logged, value):
    response = logged.get(reverse("invoicing:issued"), {"structure": value})

    assert response.status_code == 200
    assert response.context["selected"] is None


@pytest.mark.parametrize("value", ["²", "a\x00b", "1E+30", "9" * 40, "2026-02-30"])
def test_acknowledgements_with_forged_ids_or_next_url_redirect(logged, value):
    response = logged.post(
        reverse("invoicing:issued_acknowledgements"), {"invoice": value, "next": value}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("invoicing:issued_acknowledgements")


# --- Control characters ------------------------------------------------------------------


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x1f"])
def test_entry_with_control_characters_is_refused_at_the_field(
    logged, supplier, recipient, control
):
    payload = entry_payload(supplier, recipient, "save_draft")
    payload.update({"number": f"FA{control}1", "lines-0-designation": f"Conseil{control}"})

    response = logged.post(reverse("invoicing:deposit_entry"), payload)

    assert response.status_code == 400
    form = response.context["form"]
    assert "number" in form.errors
    assert CONTROL_MESSAGE in response.content.decode()
    assert Invoice.objects.count() == 0


def test_draft_save_with_a_nul_byte_everywhere_is_refused_not_a_500(logged, supplier, actor):
    draft = InvoiceFactory(supplier=supplier, status=InvoiceStatus.BROUILLON, created_by=actor)
    payload = dict.fromkeys(form_payload(supplier, supplier), "a\x00b")
    payload.update(supplier=str(supplier.pk), action="save_draft")

    response = logged.post(reverse("invoicing:draft_edit", args=[draft.pk]), payload)

    assert response.status_code == 400
    draft.refresh_from_db()
    assert "\x00" not in draft.number


@pytest.mark.parametrize("role", ["", "validator"])
def test_recipient_lookup_with_a_nul_byte_answers_unknown(logged, supplier, role):
    response = logged.get(
        reverse("invoicing:recipient_lookup"),
        {
            "role": role,
            "supplier": "a\x00b",
            "recipient_identifier": "1\x002",
            "recipient_service_code": "a\x00b",
            "validator_identifier": "1\x002",
            "validator_service_code": "a\x00b",
        },
    )

    assert response.status_code == 200


# --- Amounts bounded to the money columns -------------------------------------------------


def _upload(actor, content: bytes, name: str):
    file = SimpleUploadedFile(name, content, "application/xml")
    return uploads.upload_main_file(file, actor=actor).attachment


@pytest.mark.parametrize("amount", ["1E+30", "100000000000000000000000000", "Infinity", "-INF"])
def test_structured_file_with_an_amount_out_of_bounds_opens_its_form_without_it(
    logged, actor, amount
):
    xml = samples.ubl_xml().replace(
        b">655.00</cbc:PayableAmount>", f">{amount}</cbc:PayableAmount>".encode()
    )
    main = _upload(actor, xml, "facture.xml")

    first = logged.get(reverse("invoicing:deposit_form"), {"main": main.pk})
    again = logged.get(reverse("invoicing:deposit_form"), {"main": main.pk})

    assert (first.status_code, again.status_code) == (200, 200)
    form = first.context["form"]
    assert form.initial.get("amount_to_pay") is None or abs(form.initial["amount_to_pay"]) < 10**13
    assert form.initial["amount_ttc"] == 655


@pytest.mark.parametrize("action", ["validate", "save_draft"])
def test_entry_line_beyond_the_money_columns_is_a_field_error(
    logged, supplier, recipient, mandate, action
):
    payload = entry_payload(supplier, recipient, action)
    payload.update(lines_payload(("Conseil", HUGE, HUGE, "20")))

    response = logged.post(reverse("invoicing:deposit_entry"), payload)

    assert response.status_code == 400
    assert TOO_LARGE in response.content.decode()
    assert Invoice.objects.count() == 0


def test_entry_totals_beyond_the_money_columns_are_refused(logged, supplier, recipient, mandate):
    payload = entry_payload(supplier, recipient, "validate")
    payload.update(lines_payload(*[("Conseil", "1", "9999999999999", "20")] * 3))

    response = logged.post(reverse("invoicing:deposit_entry"), payload)

    assert response.status_code == 400
    assert TOO_LARGE in response.content.decode()


def test_entry_draft_with_totals_beyond_the_money_columns_is_refused(logged, supplier, recipient):
    payload = entry_payload(supplier, recipient, "save_draft")
    payload.update(lines_payload(*[("Conseil", "1", "9999999999999", "20")] * 3))

    response = logged.post(reverse("invoicing:deposit_entry"), payload)

    assert response.status_code == 400
    assert TOO_LARGE in response.content.decode()
    assert Invoice.objects.count() == 0


def test_entry_recompute_with_a_line_beyond_the_money_columns_answers_the_totals(
    logged, supplier, recipient
):
    payload = entry_payload(supplier, recipient, "validate")
    payload.update(lines_payload(("Conseil", HUGE, HUGE, "20")), global_discount="1E+30")

    response = logged.post(reverse("invoicing:entry_recompute"), payload)

    assert response.status_code == 200
    assert response.context["totals"]["amount_ht"] == 0


@pytest.mark.parametrize("amount", ["1E+30", "99999999999999", "-99999999999999"])
def test_pdf_deposit_amount_beyond_the_money_columns_is_a_field_error(
    logged, actor, supplier, recipient, amount
):
    main = uploads.upload_main_file(
        SimpleUploadedFile("f.pdf", samples.plain_text_pdf(), "application/pdf"), actor=actor
    ).attachment
    payload = form_payload(
        supplier, recipient, amount_ttc=amount, main_attachment=str(main.pk), action="validate"
    )

    response = logged.post(reverse("invoicing:deposit_form"), payload)

    assert response.status_code == 400
    assert "amount_ttc" in response.context["form"].errors
    assert Invoice.objects.count() == 0
