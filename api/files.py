"""Files sent in JSON as base64 (API.md §5.2, §6.1): decoded once, size checked on the
encoded length first (ATT-3), then handed to the portal's file checks."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from api import params
from api.errors import ApiError, malformed, missing
from invoicing.documents.files import MAX_FILE_SIZE
from invoicing.errors import ReturnCode


def decoded(
    content: Any,
    name: Any,
    *,
    content_field: str,
    name_field: str,
    name_max: int = 50,
    name_code: int = ReturnCode.FILE_REFUSED,
    max_size: int = MAX_FILE_SIZE,
    too_large: int = ReturnCode.TOO_LARGE,
):
    """The file of a base64 field: its name checked (`name_max`, else `name_code`), its
    size bounded on the encoded text before decoding and again after (`max_size`, else
    `too_large`), invalid base64 or an empty file refused (20005)."""
    if params.is_empty(content):
        raise missing(content_field)
    filename = params.text(name, name_field)
    if not filename:
        raise missing(name_field)
    if len(filename) > name_max:
        raise ApiError(
            name_code,
            _("Le nom du fichier %(field)s dépasse %(max)d caractères.")
            % {"field": name_field, "max": name_max},
        )
    if not isinstance(content, str):
        raise malformed(content_field)
    compact = "".join(content.split())
    if len(compact) * 3 // 4 > max_size + 3:
        raise ApiError(too_large)
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(
            ReturnCode.FORMAT,
            _("Le champ %(field)s n'est pas un base64 valide.") % {"field": content_field},
        ) from None
    if len(raw) > max_size:
        raise ApiError(too_large)
    if not raw:
        raise malformed(content_field)
    return SimpleUploadedFile(filename, raw)
