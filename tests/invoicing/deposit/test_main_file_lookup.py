"""`uploads.main_attachment_for`, compiled once per process (issue 10): the main file the
actor uploaded and has not used, or the draft's own; nothing else, whatever the id."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from invoicing.deposit.uploads import main_attachment_for
from tests.factories.invoicing import InvoiceFactory
from tests.invoicing.deposit.helpers import upload_main

pytestmark = pytest.mark.django_db


def test_the_actors_unused_main_file_and_nothing_else(actor, other_supplier_user, supplier):
    main = upload_main(actor)
    other_user, _structure = other_supplier_user

    assert main_attachment_for(actor, main.pk) == main
    assert main_attachment_for(actor, str(main.pk)) == main
    assert main_attachment_for(other_user, main.pk) is None
    assert main_attachment_for(AnonymousUser(), main.pk) is None
    for forged in (None, "", "abc", -main.pk, 0, 2**63, "9" * 40, float("inf"), float("nan")):
        assert main_attachment_for(actor, forged) is None, forged

    draft = InvoiceFactory(supplier=supplier, status="BROUILLON", created_by=actor)
    main.invoice = draft
    main.save()
    assert main_attachment_for(actor, main.pk) is None  # used by a draft: not loose any more
    assert main_attachment_for(actor, main.pk, draft=draft) == main
    other_draft = InvoiceFactory(supplier=supplier, status="BROUILLON", created_by=actor)
    assert main_attachment_for(actor, main.pk, draft=other_draft) is None


@pytest.mark.django_db(transaction=True)
def test_locking_it_needs_a_transaction_every_time(actor):
    main = upload_main(actor)
    for _ in range(2):  # the statement is compiled on the first call only
        with pytest.raises(transaction.TransactionManagementError):
            main_attachment_for(actor, main.pk, lock=True)
        with transaction.atomic():
            assert main_attachment_for(actor, main.pk, lock=True) == main
