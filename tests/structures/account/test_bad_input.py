"""Forged ids in My account's link request: a clear refusal, never a 500, nothing changed."""

from __future__ import annotations

from django.urls import reverse

from structures.models import LinkRequest
from tests.structures.members_support import client_of

HUGE = "99999999999999999999999"


def test_link_request_forged_structure_id_refused(personas):
    response = client_of(personas.unattached).post(
        reverse("structures:link_request"), {"structures": [HUGE]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["structures"]
    assert not LinkRequest.objects.filter(requester=personas.unattached).exists()
