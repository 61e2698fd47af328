"""A memo of the reference data the deposit checks read, for a batch of deposits.

    with memo.batch():          # e.g. the integration of a flow's lot
        send_invoice(...)       # the 2nd..nth invoice read the recipient once

Outside `batch()` nothing is kept and every check reads the database as before. Inside,
the lookups that go through `remember` (recipient by SIRET with its RECEIVED area, a
service by code, an invoice number's use, a recipient's commitments for the supplier) are
read once per batch: a batch is a few seconds of one worker, and a
reference changed meanwhile is seen by the next batch. Only reads that every check repeats
identically belong here, never a rule's outcome that depends on the invoice.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_memo: ContextVar[dict | None] = ContextVar("deposit_memo", default=None)


@contextmanager
def batch() -> Iterator[dict]:
    """Keep the remembered lookups until the block ends (nested blocks share the outer)."""
    if _memo.get() is not None:
        yield _memo.get()
        return
    token = _memo.set({})
    try:
        yield _memo.get()
    finally:
        _memo.reset(token)


def remember(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once per batch for `key`; every time outside a batch."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def put(key: Hashable, value) -> None:
    """Set what `remember(key, …)` answers in this batch: read ahead for a whole lot in a
    few queries (`invoicing.deposit.bulk.prefetch`), or a number just used by the lot's
    previous invoice. Nothing outside a batch."""
    memo = _memo.get()
    if memo is not None:
        memo[key] = value


def active() -> bool:
    return _memo.get() is not None
