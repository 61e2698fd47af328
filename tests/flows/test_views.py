"""The FLOWS area and the deposit page's structured upload (FLW-11, FMT-2, §5.2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from flows.enums import FlowState
from flows.models import Flow
from flows.services import deposit_flow
from invoicing.models import Invoice
from portal.areas import Mode
from structures import access
from tests.conftest import close_response
from tests.flows.helpers import invoice_xml, upload
from tests.invoicing import samples
from tests.invoicing.deposit.helpers import pdf_upload

pytestmark = pytest.mark.django_db
CII = "IN_DP_E1_CII_16B"


@pytest.fixture
def follower(personas, supplier):
    """A user of the supplier with FLOWS in consultation (and no ISSUED)."""
    user = personas.simple_view
    access.open_area(supplier, "FLOWS", actor=None)
    access.grant_area(user, supplier, "FLOWS", Mode.VIEW, actor=None)
    return user


def make_flow(actor, supplier, recipient, capture, number="V-1", **kw) -> Flow:
    with capture(execute=True):
        flow = deposit_flow(
            actor=actor,
            structure=supplier,
            uploaded_file=upload(invoice_xml(supplier, recipient, number=number, **kw)),
            syntax=CII,
        )
    flow.refresh_from_db()
    return flow


# --- The deposit page ------------------------------------------------------------------


def test_lot_on_the_deposit_page_becomes_a_flow_and_shows_it(
    client, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    client.force_login(actor)
    lot = samples.zip_lot(
        {f"f{n}.xml": invoice_xml(supplier, recipient, number=f"WEB-{n}") for n in range(2)}
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invoicing:deposit_upload"), {"file": pdf_upload(lot, "lot.zip")}
        )

    flow = Flow.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("flows:detail", args=[flow.pk])
    page = client.get(response["Location"]).content.decode()
    assert flow.number in page
    assert 'id="integrated-invoices"' in page and "WEB-0" in page and "WEB-1" in page
    assert Invoice.objects.filter(deposit_mode="UPLOAD_PORTAIL").count() == 2


def test_single_xml_sent_as_a_flow_on_request(
    client, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    client.force_login(actor)
    content = invoice_xml(supplier, recipient, number="WEB-XML")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invoicing:deposit_upload"),
            {"file": pdf_upload(content, "facture.xml"), "as_flow": "on"},
        )

    flow = Flow.objects.get()
    assert response["Location"] == reverse("flows:detail", args=[flow.pk])
    flow.refresh_from_db()
    assert (flow.syntax, flow.state) == (CII, FlowState.IN_INTEGRE)


def test_lot_mixing_a_plain_pdf_is_refused_at_upload(client, actor, supplier, recipient):
    client.force_login(actor)
    lot = samples.zip_lot(
        {"a.xml": invoice_xml(supplier, recipient), "b.pdf": samples.plain_text_pdf()}
    )

    response = client.post(
        reverse("invoicing:deposit_upload"), {"file": pdf_upload(lot, "lot.zip")}
    )

    assert response.status_code == 400
    assert "toutes de la même syntaxe" in response.content.decode()
    assert not Flow.objects.exists()


# --- The FLOWS list ----------------------------------------------------------------------


def test_flows_list_needs_the_area(client, actor):
    client.force_login(actor)
    assert client.get(reverse("flows:index")).status_code == 403


def test_flows_list_query_count_is_constant(
    client,
    follower,
    actor,
    supplier,
    recipient,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    client.force_login(follower)
    make_flow(actor, supplier, recipient, django_capture_on_commit_callbacks, number="Q-0")
    client.get(reverse("flows:index"))  # warm the session and the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("flows:index"))
    for n in (1, 2):
        make_flow(actor, supplier, recipient, django_capture_on_commit_callbacks, number=f"Q-{n}")
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("flows:index"))

    assert response.content.decode().count("data-flow=") == 3
    assert len(three) == len(one)


def test_flows_list_filters(
    client, follower, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    client.force_login(follower)
    good = make_flow(actor, supplier, recipient, django_capture_on_commit_callbacks, number="F-1")
    bad = make_flow(
        actor,
        supplier,
        recipient,
        django_capture_on_commit_callbacks,
        number="F-2",
        buyer_ids=[("0009", "11000201100036")],
    )
    url = reverse("flows:index")

    by_state = client.get(url, {"state": "IN_REJETE"}).content.decode()
    by_number = client.get(url, {"number": good.number.lower()}).content.decode()
    by_syntax = client.get(url, {"syntax": "IN_DP_E1_UBL_INVOICE"}).content.decode()
    by_date = client.get(url, {"deposited_from": "2000-01-01", "deposited_to": "2000-12-31"})

    assert f'data-flow="{bad.number}"' in by_state and good.number not in by_state
    assert f'data-flow="{good.number}"' in by_number and bad.number not in by_number
    assert 'id="no-flows"' in by_syntax
    assert 'id="no-flows"' in by_date.content.decode()


def test_flow_of_another_structure_is_a_404(
    client, personas, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    flow = make_flow(actor, supplier, recipient, django_capture_on_commit_callbacks)
    client.force_login(personas.other_user)
    assert client.get(reverse("flows:detail", args=[flow.pk])).status_code == 404
    assert client.get(reverse("flows:report", args=[flow.pk])).status_code == 404


def test_detail_shows_per_invoice_errors_and_the_report_downloads(
    client, follower, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    flow = make_flow(
        actor,
        supplier,
        recipient,
        django_capture_on_commit_callbacks,
        number="ERR-1",
        buyer_ids=[("0009", "11000201100036")],
    )
    client.force_login(follower)

    page = client.get(reverse("flows:detail", args=[flow.pk])).content.decode()
    response = client.get(reverse("flows:report", args=[flow.pk]))

    assert 'id="invoice-errors"' in page
    assert "Le destinataire 11000201100036 est inconnu ou inactif." in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    close_response(response)
    flow.refresh_from_db()
    assert flow.report_path


def test_manager_sees_rejected_flows(
    client, personas, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    flow = make_flow(
        actor,
        supplier,
        recipient,
        django_capture_on_commit_callbacks,
        buyer_ids=[("0009", "11000201100036")],
    )
    client.force_login(personas.main_manager)

    page = client.get(reverse("structures:manager")).content.decode()

    assert f'data-flow="{flow.number}"' in page


def test_flows_list_date_filter_takes_whole_paris_days(
    client, follower, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    flow = make_flow(actor, supplier, recipient, django_capture_on_commit_callbacks)
    client.force_login(follower)
    today = timezone.localdate(flow.deposited_at).isoformat()

    page = client.get(
        reverse("flows:index"), {"deposited_from": today, "deposited_to": today}
    ).content.decode()

    assert f'data-flow="{flow.number}"' in page


def test_anonymous_is_sent_to_login(client, actor, supplier, recipient):
    flow = deposit_flow(
        actor=actor,
        structure=supplier,
        uploaded_file=upload(invoice_xml(supplier, recipient)),
        syntax=CII,
    )
    for url in (reverse("flows:index"), reverse("flows:detail", args=[flow.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_flows_list_in_english(client, follower, actor, supplier, recipient):
    deposit_flow(
        actor=actor,
        structure=supplier,
        uploaded_file=upload(invoice_xml(supplier, recipient)),
        syntax=CII,
    )
    client.force_login(follower)

    page = client.get(reverse("flows:index"), {"lang": "en"}).content.decode()

    assert "Data flow overview" in page and "Flow received" in page and "1 flow" in page
