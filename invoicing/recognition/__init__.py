"""Format detection and pre-fill of the deposit form (DOMAIN §5.6, §5.7, FLW-7).

Pure and model-free: these functions read a file (a path, an open binary file or a Django
upload) and return plain data; the deposit screens and the flows decide what to do with it.

    detected = detect_format(upload)        # DetectedFormat, or UnreadableFile
    data = prefill(upload, detected)        # Prefill (every field optional)
"""

from invoicing.recognition.detect import (
    ARCHIVE,
    IN_DP_E1_CII_16B,
    IN_DP_E1_UBL_INVOICE,
    IN_DP_E2_CII_FACTURX,
    PDF_KINDS,
    PDF_NON_SIGNE,
    PDF_SIGNE_PADES,
    STRUCTURED_KINDS,
    DetectedFormat,
    check_pdf,
    detect_format,
)
from invoicing.recognition.errors import UnreadableFile
from invoicing.recognition.prefill import NO_TEXT_NOTICE, Prefill, prefill

__all__ = [
    "ARCHIVE",
    "IN_DP_E1_CII_16B",
    "IN_DP_E1_UBL_INVOICE",
    "IN_DP_E2_CII_FACTURX",
    "NO_TEXT_NOTICE",
    "PDF_KINDS",
    "PDF_NON_SIGNE",
    "PDF_SIGNE_PADES",
    "STRUCTURED_KINDS",
    "DetectedFormat",
    "Prefill",
    "UnreadableFile",
    "check_pdf",
    "detect_format",
    "prefill",
]
