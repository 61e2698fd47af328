"""FLW-10 and API.md §5.8 / §5.9: a flow's compte rendu, as the API answers it and as a PDF.

    flow_report(flow)                  consulterCR's fields (with fichierCR once final)
    flow_report(flow, detailed=True)   consulterCRDetaille's fields
    report_pdf_path(flow)              the PDF, rendered on first request and kept

Only the fields (never codeRetour / libelle, which the API adds). Values that are unknown
are omitted (API.md §1).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from flows.models import Flow
from invoicing.documents.certificate import html_to_pdf
from invoicing.documents.files import store_upload

REPORT_TEMPLATE = "flows/documents/report.html"


def api_datetime(value) -> str | None:
    """DAT-1: ISO 8601 with milliseconds and the Paris offset."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="milliseconds")


def report_file_name(flow: Flow) -> str:
    """API.md §5.9 `nomFichier`."""
    return f"{flow.interface_code}_CPP001_{flow.number}"


def flow_report(flow: Flow, *, detailed: bool = False, with_pdf: bool = True) -> dict[str, Any]:
    if detailed:
        data = {
            "nomFichier": report_file_name(flow),
            "codeInterfaceDepotFlux": flow.interface_code,
            "dateDepotFlux": api_datetime(flow.deposited_at),
            "dateHeureEtatCourantFlux": api_datetime(flow.state_changed_at),
            "etatCourantDepotFlux": flow.state,
            "listeErreurDP": [_without_none(e) for e in flow.invoice_errors],
            "listeErreurTechnique": [_without_none(e) for e in flow.technical_errors],
        }
    else:
        data = {
            "numeroFluxDepot": flow.number,
            "nomFichierFlux": flow.file_name,
            "codeAppliPartenaire": flow.application_code or "PORTAIL",
            "designationPartenaire": flow.application_name or None,
            "codeInterfaceFlux": flow.interface_code,
            "dateDepotFlux": api_datetime(flow.deposited_at),
            "dateHeureEtatCourantFlux": api_datetime(flow.state_changed_at),
            "etatCourantFlux": flow.state,
        }
        if with_pdf and flow.is_final:
            data["fichierCR"] = base64.b64encode(report_pdf_path(flow).read_bytes()).decode()
    return _without_none(data)


def _without_none(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None}


def render_report_pdf(flow: Flow) -> bytes:
    invoices = [
        link.invoice for link in flow.integrated.select_related("invoice").order_by("position")
    ]
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            REPORT_TEMPLATE,
            {"flow": flow, "invoices": invoices, "generated_at": timezone.localtime()},
        )
    return html_to_pdf(html)


def report_pdf_path(flow: Flow) -> Path:
    """FLW-10: the PDF of a final flow, rendered once (on the first download or API call,
    never in the integration task) and kept."""
    if not flow.is_final:
        raise ValueError("A flow gets its report at its final state")
    root = Path(settings.MEDIA_ROOT)
    if flow.report_path and (root / flow.report_path).is_file():
        return root / flow.report_path
    pdf = render_report_pdf(flow)
    stored = store_upload(
        ContentFile(pdf, name=f"{report_file_name(flow)}.pdf"),
        subdir=f"flows/{timezone.localdate():%Y/%m}/reports",
    )
    with transaction.atomic():
        updated = Flow.objects.filter(pk=flow.pk, report_path=flow.report_path).update(
            report_path=stored.path
        )
    if updated:
        flow.report_path = stored.path
        return root / stored.path
    (root / stored.path).unlink(missing_ok=True)  # a simultaneous request stored one first
    flow.refresh_from_db(fields=["report_path"])
    return root / flow.report_path
