"""The deposit page's structured upload sent as a flow (§5.2 UPLOAD_PORTAIL, §12): a zip or
tar.gz lot always, a single XML or Factur-X when the user asks for it (otherwise FMT-0's
pre-filled form). The flow's page follows."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from flows.services import deposit_portal_upload, is_lot_name
from invoicing.deposit.forms import deposit_structures
from invoicing.errors import InvoiceError


def wanted(form) -> bool:
    return bool(form.cleaned_data.get("as_flow")) or is_lot_name(form.cleaned_data["file"].name)


def upload_as_flow(request, form):
    """The redirect to the new flow, or None with the refusal on the form's file field."""
    structures = deposit_structures(request.user)
    current = getattr(getattr(request, "structure", None), "pk", None)
    structure = structures.filter(pk=current).first() or structures.order_by("pk").first()
    try:
        flow = deposit_portal_upload(
            actor=request.user, structure=structure, uploaded_file=form.cleaned_data["file"]
        )
    except InvoiceError as exc:
        form.add_error("file", str(exc.message))
        return None
    messages.success(request, _("Le flux %(number)s est reçu.") % {"number": flow.number})
    return redirect("flows:detail", pk=flow.pk)
