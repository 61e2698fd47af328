"""Synchronous refusals of a flow deposit (API.md §6.3): each with its `codeRetour`."""

from __future__ import annotations

from invoicing.errors import InvoiceError, ReturnCode


class FlowError(InvoiceError):
    """A deposit refused before any flow exists; `code` is the API `codeRetour`."""

    code = ReturnCode.FORMAT


__all__ = ["FlowError", "ReturnCode"]
