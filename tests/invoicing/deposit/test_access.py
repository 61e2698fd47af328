"""The actor matrix of every deposit view, with data that could leak present: a sent
invoice, a draft and an unlinked upload of the personas' supplier."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicing.deposit import uploads
from invoicing.enums import InvoiceStatus
from invoicing.models import Invoice
from structures.enums import Role
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import StructureFactory, attach
from tests.invoicing.deposit.helpers import form_payload, pdf_upload, upload_main

pytestmark = pytest.mark.django_db
S = InvoiceStatus
DEPOSITORS = ("main_manager", "secondary_manager", "simple_change")
ALL = (*DEPOSITORS, "simple_view", "other_user", "public_reviewer", "support", "unattached")


@pytest.fixture
def leaky(personas):
    """What a wrong actor must never reach."""
    sent = InvoiceFactory(
        supplier=personas.structure,
        recipient=personas.public,
        status=S.MISE_A_DISPOSITION,
        number="LEAK-SENT",
    )
    draft = InvoiceFactory(
        supplier=personas.structure, recipient=None, status=S.BROUILLON, number="LEAK-DRAFT"
    )
    upload = uploads.upload_attachment(
        pdf_upload(),
        actor=personas.simple_change,
        designation="Pièce secrète",
        attachment_type="AUTRE",
    )
    return {"sent": sent, "draft": draft, "upload": upload}


def request(client, method, name, *args, data=None):
    url = reverse(name, args=args)
    return client.post(url, data or {}) if method == "post" else client.get(url, data or {})


AREA_VIEWS = [
    ("get", "invoicing:deposit", None),
    ("get", "invoicing:deposit_entry", None),
    ("get", "invoicing:recipient_lookup", None),
    ("post", "invoicing:entry_recompute", None),
    ("post", "invoicing:deposit_upload", None),
    ("post", "invoicing:attachment_upload", None),
]


@pytest.mark.parametrize(("method", "name", "_"), AREA_VIEWS)
def test_anonymous_is_sent_to_login(client, leaky, method, name, _):
    response = request(client, method, name)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("invoicing:draft_edit", "draft"),
        ("invoicing:draft_delete", "draft"),
        ("invoicing:deposit_done", "sent"),
        ("invoicing:certificate", "sent"),
        ("invoicing:attachment_remove", "upload"),
    ],
)
def test_anonymous_is_sent_to_login_for_objects(client, leaky, name, key):
    method = "post" if name.endswith(("delete", "remove")) else "get"
    response = request(client, method, name, leaky[key].pk)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(("method", "name", "_"), AREA_VIEWS)
def test_deposit_pages_need_issued_in_modification(
    client, personas, leaky, persona, method, name, _
):
    client.force_login(getattr(personas, persona))
    response = request(client, method, name)
    allowed = persona in (*DEPOSITORS, "other_user", "public_reviewer")
    if allowed:
        assert response.status_code in (200, 400)
    else:
        assert response.status_code == 403
    if persona in ("other_user", "public_reviewer"):
        assert "LEAK" not in response.content.decode()
        assert "Pièce secrète" not in response.content.decode()


def test_drafts_listed_are_those_of_the_users_structures(client, personas, leaky):
    client.force_login(personas.simple_change)
    assert "LEAK-DRAFT" in client.get(reverse("invoicing:deposit")).content.decode()
    client.force_login(personas.other_user)
    assert "LEAK-DRAFT" not in client.get(reverse("invoicing:deposit")).content.decode()


@pytest.mark.parametrize("persona", ALL)
def test_draft_edit_is_for_the_suppliers_depositors_only(client, personas, leaky, persona):
    client.force_login(getattr(personas, persona))
    response = request(client, "get", "invoicing:draft_edit", leaky["draft"].pk)
    expected = {**dict.fromkeys(DEPOSITORS, 200), "other_user": 404, "public_reviewer": 404}
    assert response.status_code == expected.get(persona, 403)
    if response.status_code == 200:
        assert "LEAK-DRAFT" in response.content.decode()


@pytest.mark.parametrize("persona", ALL)
def test_draft_delete_is_for_the_suppliers_depositors_only(client, personas, leaky, persona):
    client.force_login(getattr(personas, persona))
    response = request(client, "post", "invoicing:draft_delete", leaky["draft"].pk)
    expected = {**dict.fromkeys(DEPOSITORS, 302), "other_user": 404, "public_reviewer": 404}
    assert response.status_code == expected.get(persona, 403)
    assert Invoice.objects.filter(pk=leaky["draft"].pk).exists() == (persona not in DEPOSITORS)


@pytest.mark.parametrize("persona", ALL)
def test_summary_page_is_for_users_of_the_supplier(client, personas, leaky, persona):
    client.force_login(getattr(personas, persona))
    response = request(client, "get", "invoicing:deposit_done", leaky["sent"].pk)
    visible = persona in (*DEPOSITORS, "simple_view")
    assert response.status_code == (200 if visible else 404)
    if visible:
        assert "LEAK-SENT" in response.content.decode()


def test_summary_page_of_a_draft_is_not_found(client, personas, leaky):
    client.force_login(personas.main_manager)
    assert request(client, "get", "invoicing:deposit_done", leaky["draft"].pk).status_code == 404


@pytest.mark.parametrize("persona", ALL)
def test_certificate_is_for_those_who_may_see_the_invoice(client, personas, leaky, persona):
    client.force_login(getattr(personas, persona))
    response = request(client, "get", "invoicing:certificate", leaky["sent"].pk)
    visible = persona in (*DEPOSITORS, "simple_view", "public_reviewer")
    assert response.status_code == (200 if visible else 404)
    if visible:
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("persona", ALL)
def test_unlinked_upload_can_be_removed_by_its_uploader_only(client, personas, leaky, persona):
    client.force_login(getattr(personas, persona))
    response = request(client, "post", "invoicing:attachment_remove", leaky["upload"].pk)
    expected = {
        "simple_change": 200,
        "main_manager": 404,
        "secondary_manager": 404,
        "other_user": 404,
        "public_reviewer": 404,
    }
    assert response.status_code == expected.get(persona, 403)


def test_main_file_of_another_user_is_not_usable(client, personas):
    main = upload_main(personas.simple_change)
    client.force_login(personas.main_manager)
    response = client.get(reverse("invoicing:deposit_form") + f"?main={main.pk}")
    assert response["Location"] == reverse("invoicing:deposit")


def test_public_reviewer_cannot_deposit_for_the_supplier(client, personas):
    reviewer = personas.public_reviewer
    main = upload_main(reviewer)
    client.force_login(reviewer)
    payload = form_payload(personas.structure, personas.public, main_attachment=str(main.pk))
    response = client.post(reverse("invoicing:deposit_form"), {**payload, "action": "confirm"})
    assert response.status_code == 400
    assert "Choisissez une de vos structures." in response.content.decode()
    assert not Invoice.objects.exists()


def test_other_structure_user_guessing_a_draft_id_sends_nothing(client, personas, leaky):
    client.force_login(personas.other_user)
    payload = form_payload(personas.other_structure, personas.public)
    response = client.post(
        reverse("invoicing:draft_edit", args=[leaky["draft"].pk]), {**payload, "action": "confirm"}
    )
    assert response.status_code == 404
    leaky["draft"].refresh_from_db()
    assert leaky["draft"].status == S.BROUILLON


def test_supplier_choice_lists_only_active_structures_with_issued_in_modification(client, personas):
    closed = StructureFactory(company_name="Structure fermée", is_active=False)
    attach(personas.simple_change, closed, Role.USER, {"ISSUED": "change"})
    client.force_login(personas.simple_change)
    html = client.get(reverse("invoicing:deposit_entry")).content.decode()
    assert personas.structure.company_name in html
    assert "Structure fermée" not in html
    assert personas.other_structure.company_name not in html


def test_deposit_page_query_count_does_not_grow_with_drafts(client, personas):
    client.force_login(personas.simple_change)

    def count_queries(expected_rows):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("invoicing:deposit")).content.decode()
        assert html.count("Reprendre") == expected_rows
        return len(queries)

    InvoiceFactory(supplier=personas.structure, status=S.BROUILLON, recipient=None)
    client.get(reverse("invoicing:deposit"))  # the session's first queries
    one = count_queries(1)
    InvoiceFactory.create_batch(2, supplier=personas.structure, status=S.BROUILLON, recipient=None)
    assert count_queries(3) == one
