"""How the API answers (API.md §4.2-§4.4): `{codeRetour, libelle}` bodies, one catalogue.

The codes and their French libellés are those of `invoicing.errors.ReturnCode`; a domain
error (`InvoiceError`) becomes HTTP 400 with its code and a libellé naming the field at
fault (INV-11), in the language of the call (`codeLangue`, FR by default).
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext as _

from invoicing.errors import InvoiceError, InvoiceValidationError, ReturnCode

SUCCESS = "TRA_MSG_00.000"
EMPTY = "TRA_MSG_00.015"
JSON_CONTENT_TYPE = "application/json;charset=utf-8"


class ApiError(Exception):
    """A business error of an operation: HTTP 400 (or `status`) with `codeRetour`."""

    def __init__(self, code: int, libelle: str | None = None, *, status: int = 400):
        self.code = int(code)
        self.libelle = str(libelle) if libelle is not None else str(ReturnCode(code).label)
        self.status = status
        super().__init__(self.libelle)


def answer(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(
        body,
        status=status,
        content_type=JSON_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def error_body(code: int, libelle: str) -> dict[str, Any]:
    return {"codeRetour": code, "libelle": str(libelle)}


def ok(**fields: Any) -> dict[str, Any]:
    """RES-2: success; values that are None are omitted (§1: never "")."""
    return {
        "codeRetour": 0,
        "libelle": SUCCESS,
        **{k: v for k, v in fields.items() if v is not None},
    }


def missing(field: str) -> ApiError:
    return ApiError(ReturnCode.FORMAT, _("Le champ %(field)s est obligatoire.") % {"field": field})


def malformed(field: str) -> ApiError:
    return ApiError(ReturnCode.FORMAT, _("Le champ %(field)s est mal formaté.") % {"field": field})


def unknown_value(field: str, value: Any) -> ApiError:
    return ApiError(
        ReturnCode.REFERENCE,
        _("La valeur %(value)s du champ %(field)s est inconnue.")
        % {"value": str(value)[:60], "field": field},
    )


def from_domain(exc: InvoiceError, names: dict[str, str] | None = None) -> ApiError:
    """A domain error as the API says it: the libellé names the API field (INV-11)."""
    field = exc.field
    if isinstance(exc, InvoiceValidationError) and field is None:
        field = next(iter(exc.errors), None)
    api_field = (names or {}).get(field or "", field)
    message = str(exc.message)
    if api_field and api_field not in message:
        message = f"{api_field} : {message}"
    return ApiError(int(exc.code), message)
