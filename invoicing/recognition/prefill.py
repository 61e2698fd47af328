"""The one pre-fill result, whatever the source (native PDF text or structured XML)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

import invoicing.recognition.detect as detect
import invoicing.recognition.errors as errors
import invoicing.recognition.isolated as isolated
import invoicing.recognition.pdftext as pdftext
import invoicing.recognition.structured as structured
from invoicing.recognition.errors import UnreadableFile
from invoicing.recognition.sources import local_path, opened

NO_TEXT_NOTICE = _("Aucune donnée n'a pu être reconnue : votre PDF ne contient pas de texte")
# The file is accepted all the same (like a scan, REC-4): only the pre-fill is given up.
TOO_LARGE_NOTICE = _(
    "Le contenu de ce PDF est trop volumineux pour être lu : aucun champ n'a été pré-rempli, "
    "saisissez-les vous-même."
)
TIMEOUT_NOTICE = _(
    "La lecture du texte de ce PDF a pris trop de temps : aucun champ n'a été pré-rempli, "
    "saisissez-les vous-même."
)
FAILED_NOTICE = _(
    "Le texte de ce PDF n'a pas pu être lu : aucun champ n'a été pré-rempli, saisissez-les "
    "vous-même."
)
NO_TEXT = "no_text"
NOTICES = {
    NO_TEXT: NO_TEXT_NOTICE,
    isolated.TOO_LARGE: TOO_LARGE_NOTICE,
    isolated.TIMEOUT: TIMEOUT_NOTICE,
    isolated.FAILED: FAILED_NOTICE,
}


@dataclass
class Prefill:
    """Suggested values of the deposit form (REC-7): None when not found."""

    invoice_number: str | None = None
    invoice_date: datetime.date | None = None
    invoice_type: str | None = None  # "FACTURE" or "AVOIR"
    original_invoice_number: str | None = None
    currency: str | None = None
    frame: str | None = None  # XML only: the frame's API code (BT-23, default A1)
    frame_raw: str | None = None  # XML only: BT-23 as written
    recipient_siret: str | None = None
    recipient_name: str | None = None
    recipient_siren: str | None = None  # XML only: a SIREN under 0002, no SIRET given
    service_code: str | None = None
    engagement_number: str | None = None
    market_number: str | None = None
    supplier_siret: str | None = None
    supplier_name: str | None = None
    supplier_siren: str | None = None  # XML only: as recipient_siren
    validator_siret: str | None = None  # XML only: the validator of an A9 / A12 (VAL-1)
    validator_siren: str | None = None  # XML only: as recipient_siren
    supplier_iban: str | None = None
    payment_means: str | None = None  # XML only: UNTDID 4461 code (BT-81)
    due_date: datetime.date | None = None
    comment: str | None = None
    amount_ht: Decimal | None = None
    amount_tva: Decimal | None = None
    amount_ttc: Decimal | None = None
    amount_to_pay: Decimal | None = None
    # XML only: dicts of line_id, designation, quantity, unit, unit_price, vat_category,
    # vat_rate, amount / of category, rate, base, amount, exemption_reason.
    lines: list[dict[str, Any]] = field(default_factory=list)
    vat_lines: list[dict[str, Any]] = field(default_factory=list)
    has_text: bool = False
    notice: Any = None  # REC-4 message (lazy French text) when the PDF has no text layer
    notice_code: str | None = None  # the key of `notice` in NOTICES (stored pre-fills)
    source: str = "pdf_text"  # "pdf_text" or "xml"
    pages_read: list[int] = field(default_factory=list)  # 1-based page numbers

    @property
    def recognised(self) -> dict[str, Any]:
        """The form fields that got a value (for `initial=`), without the bookkeeping ones."""
        skip = {"has_text", "notice", "notice_code", "source", "pages_read", "frame_raw"}
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in skip and getattr(self, f.name) not in (None, [])
        }


def prefill(source: Any, detected: detect.DetectedFormat | None = None) -> Prefill:
    """Pre-fill data from a PDF, Factur-X, UBL or CII file (a path, binary file or upload).

    Raises UnreadableFile for what detection refuses, and for a lot (processed as a flow).
    """
    if detected is None:
        detected = detect.detect_format(source)
    if detected.kind in detect.PDF_KINDS:
        return _pdf_text_prefill(source)
    if detected.kind == detect.IN_DP_E2_CII_FACTURX:
        xml = detected.embedded_xml
        if xml is None:  # a DetectedFormat built by hand: extract again
            xml = detect.detect_format(source).embedded_xml
        return Prefill(**structured.parse_invoice_xml(xml), has_text=True, source="xml")
    if detected.kind in (detect.IN_DP_E1_UBL_INVOICE, detect.IN_DP_E1_CII_16B):
        with opened(source) as fh:
            values = structured.parse_invoice_xml(fh)
        return Prefill(**values, has_text=True, source="xml")
    raise UnreadableFile(errors.ARCHIVE_NOT_PREFILLED, code="archive")


def _pdf_text_prefill(source: Any) -> Prefill:
    """REC-1, REC-2, REC-4: the text layer, read in a bounded child process (`isolated`)."""
    with local_path(source) as path:
        extraction = isolated.run(path)
    if extraction.failure is not None:
        code = extraction.failure if extraction.failure in NOTICES else isolated.FAILED
        return Prefill(notice=NOTICES[code], notice_code=code, source="pdf_text")
    texts = extraction.texts
    has_text = any(text.strip() for text in texts)
    values = pdftext.recognise(texts) if has_text else {}
    return Prefill(
        **values,
        has_text=has_text,
        notice=None if has_text else NO_TEXT_NOTICE,
        notice_code=None if has_text else NO_TEXT,
        source="pdf_text",
        pages_read=extraction.pages_read,
    )
