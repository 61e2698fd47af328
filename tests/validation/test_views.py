"""The Invoices to validate area (DOMAIN §6): the list, the invoice page, and the
decision (VAL-3, VAL-4, VAL-6, VAL-7), with the actor matrix."""

from __future__ import annotations

import html
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from invoicing.enums import Frame, InvoiceStatus
from invoicing.models import Attachment, StatusEvent
from structures import access

S = InvoiceStatus
pytestmark = pytest.mark.django_db

LIST = reverse("validation:to_validate")


def text(response) -> str:
    return html.unescape(response.content.decode())


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def url(name, invoice):
    return reverse(f"validation:{name}", args=[invoice.pk])


# --- Actor matrix ------------------------------------------------------------------------

LIST_EXPECTED = {
    "supplier_main_manager": 403,
    "supplier_secondary_manager": 403,
    "supplier_view": 403,
    "supplier_change": 403,
    "public_reviewer": 403,
    "other_validator": 200,
    "validator_view": 200,
    "validator": 200,
    "titulaire_manager": 200,
    "support": 403,
    "unattached": 403,
}
SEES = {"validator_view", "validator", "titulaire_manager"}
DECIDES = {"validator", "titulaire_manager"}


def test_list_actor_matrix(client, circuit):
    ours = circuit.invoice(number="OURS-9")
    circuit.invoice(validator=circuit.other_titulaire, number="THEIRS-9")
    for name, user in circuit.matrix().items():
        client.force_login(user)
        response = client.get(LIST)
        assert response.status_code == LIST_EXPECTED[name], name
        if response.status_code == 200:
            listed = [i.pk for i in response.context["pending"].object_list]
            assert (ours.pk in listed) is (name in SEES), name
            assert (b"OURS-9" in response.content) is (name in SEES), name
        client.logout()
    assert client.get(LIST).status_code == 302


def test_detail_actor_matrix(client, circuit):
    invoice = circuit.invoice(number="OURS-9")
    for name, user in circuit.matrix().items():
        client.force_login(user)
        response = client.get(url("detail", invoice))
        expected = 200 if name in SEES else (404 if LIST_EXPECTED[name] == 200 else 403)
        assert response.status_code == expected, name
        if expected == 200:
            assert response.context["can_decide"] is (name in DECIDES), name
            assert (b'id="validate-link"' in response.content) is (name in DECIDES), name
        client.logout()


@pytest.mark.parametrize("action", ["validate", "refuse"])
def test_decision_pages_actor_matrix(client, circuit, action):
    for name, user in circuit.matrix().items():
        invoice = circuit.invoice()
        client.force_login(user)
        response = client.get(url(action, invoice))
        if name in DECIDES:
            assert response.status_code == 200, name
        elif name in ("validator_view",):
            assert response.status_code == 403, name
        elif name == "other_validator":
            assert response.status_code == 404, name
        else:
            assert response.status_code == 403, name
        post = client.post(url(action, invoice), {"confirmed": "", "message": ""})
        assert post.status_code in (400, 403, 404), name
        invoice.refresh_from_db()
        assert invoice.status == S.A_VALIDER_1, name
        client.logout()


def test_area_closed_on_validator_structure_nobody_can_act_val7(client, circuit):
    invoice = circuit.invoice()
    access.close_area(circuit.titulaire, "TO_VALIDATE", actor=None)
    for user in (circuit.validator, circuit.titulaire_manager):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        response = client.post(url("validate", invoice), {"confirmed": "on", "message": "ok"})
        assert response.status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1


# --- The list ----------------------------------------------------------------------------


def test_list_shows_deadline_and_remaining_days_oldest_first(client, circuit):
    now = timezone.now()
    recent = circuit.invoice(number="R-1", deposited_at=now - timedelta(days=2, hours=1))
    old = circuit.invoice(number="O-1", deposited_at=now - timedelta(days=13, hours=1))
    decided = circuit.invoice(S.REFUSEE_1, number="D-1")
    StatusEvent.objects.create(
        invoice=decided, status=S.REFUSEE_1, transition="T6", actor=circuit.validator
    )
    client.force_login(circuit.validator)

    response = client.get(LIST)

    pending = list(response.context["pending"].object_list)
    assert [i.pk for i in pending] == [old.pk, recent.pk]
    assert [i.remaining_days for i in pending] == [1, 12]
    assert pending[0].deadline == old.deposited_at + timedelta(days=15)
    assert [i.pk for i in response.context["history"].object_list] == [decided.pk]
    content = text(response)
    assert "1 jour restant" in content and "12 jours restants" in content
    assert str(circuit.validator) in content  # who decided


def test_list_same_query_count_for_1_and_3_rows(client, circuit):
    client.force_login(circuit.validator)
    circuit.invoice()
    circuit.invoice(S.VALIDEE_1)
    client.get(LIST)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    circuit.invoice(frame=Frame.A12)
    circuit.invoice()
    circuit.invoice(S.REFUSEE_1)
    circuit.invoice(S.MISE_A_DISPOSITION)
    three = count()
    response = client.get(LIST)
    assert len(response.context["pending"].object_list) == 3
    assert len(response.context["history"].object_list) == 3
    assert one == three


# --- Validate (VAL-3) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "label"), [(Frame.A9, "Vous êtes titulaire"), (Frame.A12, "Vous êtes mandataire")]
)
def test_validate_form_shows_the_right_checkbox(client, circuit, frame, label):
    invoice = circuit.invoice(frame=frame)
    client.force_login(circuit.validator)
    response = client.get(url("validate", invoice))
    assert label in text(response)
    assert "Complément d'information" in text(response)


def test_validate_moves_the_invoice_to_the_recipient(
    client, circuit, django_capture_on_commit_callbacks
):
    invoice = circuit.invoice()
    client.force_login(circuit.validator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("validate", invoice), {"confirmed": "on", "message": "Travaux conformes"}
        )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    events = list(
        StatusEvent.objects.filter(invoice=invoice, transition__in=["T5", "T8", "T4"])
        .values_list("transition", "actor", "comment")
        .order_by("id")
    )
    assert events == [
        ("T5", circuit.validator.pk, "Travaux conformes"),
        ("T8", None, ""),
        ("T4", None, ""),
    ]
    page = client.get(url("detail", invoice))
    assert page.context["can_decide"] is False


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"message": "ok"}, "confirmed"),
        ({"confirmed": "on", "message": "   "}, "message"),
        ({"confirmed": "on"}, "message"),
        ({"confirmed": "on", "message": "x" * 256}, "message"),
    ],
)
def test_validate_requires_checkbox_and_message(client, circuit, data, field):
    invoice = circuit.invoice()
    client.force_login(circuit.validator)

    response = client.post(url("validate", invoice), data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1
    assert not StatusEvent.objects.filter(invoice=invoice, transition="T5").exists()


def test_validate_with_a_document_joins_the_dossier_val6(
    client, circuit, django_capture_on_commit_callbacks
):
    invoice = circuit.invoice()
    client.force_login(circuit.validator)
    document = SimpleUploadedFile("visa.pdf", blank_pdf(), content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("validate", invoice),
            {"confirmed": "on", "message": "Visa joint", "document": document},
        )

    attachment = Attachment.objects.get(invoice=invoice)
    assert attachment.designation == "Pièce jointe du valideur"
    assert (attachment.original_name, attachment.uploaded_by) == ("visa.pdf", circuit.validator)
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_validate_with_a_forbidden_document_changes_nothing(client, circuit):
    invoice = circuit.invoice()
    client.force_login(circuit.validator)
    document = SimpleUploadedFile(
        "virus.exe", b"MZ\x90\x00", content_type="application/octet-stream"
    )

    response = client.post(
        url("validate", invoice), {"confirmed": "on", "message": "ok", "document": document}
    )

    assert response.status_code == 400
    assert "document" in response.context["form"].errors
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1
    assert not Attachment.objects.filter(invoice=invoice).exists()


def test_validate_an_invoice_no_longer_waiting_is_refused(client, circuit):
    invoice = circuit.invoice(S.REFUSEE_1)
    client.force_login(circuit.validator)
    response = client.post(
        url("validate", invoice), {"confirmed": "on", "message": "ok"}, follow=True
    )
    assert "n'est plus à valider" in text(response)
    invoice.refresh_from_db()
    assert invoice.status == S.REFUSEE_1


def test_validate_twice_moves_once(client, circuit, django_capture_on_commit_callbacks):
    invoice = circuit.invoice()
    client.force_login(circuit.validator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("validate", invoice), {"confirmed": "on", "message": "ok"})
        client.post(url("validate", invoice), {"confirmed": "on", "message": "ok"})
    assert StatusEvent.objects.filter(invoice=invoice, transition="T5").count() == 1


# --- Refuse (VAL-4) ----------------------------------------------------------------------


def test_refuse_with_a_reason_the_supplier_sees(client, circuit):
    invoice = circuit.invoice()
    client.force_login(circuit.validator)

    response = client.post(
        url("refuse", invoice),
        {"reason": "MONTANT_INCORRECT", "details": "Le montant dépasse l'acte de sous-traitance"},
    )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.REFUSEE_1
    expected = "Montant incorrect : Le montant dépasse l'acte de sous-traitance"
    assert invoice.status_comment == expected
    client.force_login(circuit.personas.simple_change)
    supplier_page = client.get(reverse("invoicing:issued_detail", args=[invoice.pk]))
    assert expected in text(supplier_page)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "reason"),
        ({"reason": "NIMPORTE"}, "reason"),
        ({"reason": "AUTRE", "details": "  "}, "details"),
        ({"reason": "MONTANT_INCORRECT", "details": "x" * 250}, "details"),
    ],
)
def test_refuse_requires_a_reason(client, circuit, data, field):
    invoice = circuit.invoice()
    client.force_login(circuit.validator)
    response = client.post(url("refuse", invoice), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1


def test_refuse_with_other_reason_and_free_text(client, circuit):
    invoice = circuit.invoice(frame=Frame.A12)
    client.force_login(circuit.titulaire_manager)
    client.post(url("refuse", invoice), {"reason": "AUTRE", "details": "Marché résilié"})
    invoice.refresh_from_db()
    assert (invoice.status, invoice.status_comment) == (S.REFUSEE_1, "Autre : Marché résilié")


def test_validator_may_download_the_attachments_val3(client, circuit):
    from tests.invoicing.received.conftest import add_file

    invoice = circuit.invoice()
    attachment = add_file(invoice, "devis.pdf", is_main=False)
    client.force_login(circuit.validator)

    page = client.get(url("detail", invoice))
    response = client.get(reverse("invoicing:attachment", args=[invoice.pk, attachment.pk]))

    assert reverse("invoicing:attachment", args=[invoice.pk, attachment.pk]) in text(page)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient_at is None  # only the recipient marks it


def test_tab_appears_for_validators_only(client, circuit):
    client.force_login(circuit.validator)
    assert b'data-area="TO_VALIDATE"' in client.get(reverse("home")).content
    client.force_login(circuit.personas.simple_change)
    assert b'data-area="TO_VALIDATE"' not in client.get(reverse("home")).content


def test_list_rows_load_only_what_they_show(client, circuit):
    """Issue 10: the rows (written in Python) read the columns they show, nothing more."""
    circuit.invoice(number="P-1")
    decided = circuit.invoice(S.REFUSEE_1, number="D-1")
    StatusEvent.objects.create(
        invoice=decided, status=S.REFUSEE_1, transition="T6", actor=circuit.validator
    )
    client.force_login(circuit.validator)
    response = client.get(LIST)
    (pending,) = response.context["pending"].object_list
    (history,) = response.context["history"].object_list
    assert {"status_comment", "supplier_id"} <= pending.get_deferred_fields()
    assert {"status_comment", "deposited_at"} <= history.get_deferred_fields()
    content = text(response)
    assert "P-1" in content and "D-1" in content and "Sous-traitance (A9)" in content


def test_list_pages_by_the_validator_counters_without_counting(client, circuit):
    """Issue 10: both lists take their size from the validator side of the status counters
    (one query), not from a COUNT of the contractor's invoices."""
    for status in (S.A_VALIDER_1, S.A_VALIDER_1, S.VALIDEE_1, S.REFUSEE_1, S.BROUILLON):
        circuit.invoice(status)
    circuit.invoice(validator=circuit.other_titulaire)  # another validator's
    client.force_login(circuit.validator)
    client.get(LIST)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST)

    assert not [q for q in captured if "COUNT(" in q["sql"]]
    assert [q["sql"] for q in captured].count(
        next(q["sql"] for q in captured if "invoicing_statuscount" in q["sql"])
    ) == 1
    assert response.context["pending"].paginator.count == 2
    assert response.context["history"].paginator.count == 2  # the draft is not listed
    assert len(response.context["history"].object_list) == 2
