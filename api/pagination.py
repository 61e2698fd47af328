"""Pagination of list operations (API.md §4.5, PAG-1..PAG-3, RES-3)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from api import params
from api.errors import EMPTY, ok
from invoicing.errors import ReturnCode

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000


@dataclass(frozen=True)
class Page:
    per_page: int
    number: int
    order: list[str]

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page


def read(
    data: Mapping | None,
    *,
    field: str,
    sorts: Mapping[str, str] | None = None,
    default: str | None = None,
    descending: bool = False,
    suffix: str = "",
) -> Page:
    """PAG-1/PAG-3: `nbResultatsParPage` (default 100, at most 1000), `pageResultatDemandee`
    (1-based), `triColonne` (unknown → the default sort), `triSens` (or the misspelt
    `triSense`), trimmed and case-insensitive. `suffix`: the operation's field suffix
    (e.g. `ListeHistoStatut` in `consulter/historique`); sort fields are read with or
    without it."""
    obj = data if isinstance(data, Mapping) else {}
    per_page = params.optional_id(obj.get(f"nbResultatsParPage{suffix}"), field) or DEFAULT_PER_PAGE
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    number = max(1, params.optional_id(obj.get(f"pageResultatDemandee{suffix}"), field) or 1)
    sorts = sorts or {}
    column = str(obj.get(f"triColonne{suffix}") or obj.get("triColonne") or "").strip()
    key = sorts.get(column) or (sorts.get(default) if default else None)
    direction = (
        str(
            obj.get(f"triSens{suffix}")
            or obj.get(f"triSense{suffix}")
            or obj.get("triSens")
            or obj.get("triSense")
            or ""
        )
        .strip()
        .lower()
    )
    if direction in ("ascendant", "descendant"):
        desc = direction == "descendant"
    else:
        desc = descending if column not in sorts else False
    order = []
    if key:
        order = [f"-{key}" if desc else key, "-pk" if desc else "pk"]
    return Page(per_page=per_page, number=number, order=order)


def retour(page: Page, total: int) -> dict[str, int]:
    return {
        "nbResultatsParPage": page.per_page,
        "pageCourante": page.number,
        "pages": math.ceil(total / page.per_page) if total else 0,
        "total": total,
    }


def retour_suffixed(page: Page, total: int, suffix: str) -> dict[str, int]:
    """PAG-2 for a sub-list answered inside an object, with the operation's suffix."""
    return {f"{key}{suffix}": value for key, value in retour(page, total).items()}


def in_memory(items: list, page: Page, keys: Mapping[str, Any]) -> list:
    """The page of a list already in memory (a few rows of one object): sorted by the
    page's order (`keys`: sort key name → function of a row), stable on the given order."""
    rows = list(items)
    for name in reversed(page.order):
        field = name.lstrip("-")
        if field in keys:
            rows.sort(key=keys[field], reverse=name.startswith("-"))
    return rows[page.offset : page.offset + page.per_page]


def slice_of(queryset: QuerySet, page: Page) -> tuple[list, int]:
    """The rows of the page and the total: two queries."""
    if page.order:
        queryset = queryset.order_by(*page.order)
    total = queryset.count()
    rows = list(queryset[page.offset : page.offset + page.per_page]) if total > page.offset else []
    return rows, total


def listing(
    list_name: str, items: list, page: Page, total: int, *, top_level: bool = False, **extra: Any
) -> dict[str, Any]:
    """RES-2/RES-3: 0 with the list, or 20000 "TRA_MSG_00.015" with [] and zero totals
    (an empty search, or a page beyond the last). PAG-2: some operations put the four
    pagination fields at the top level."""
    body = ok(**extra)
    if not items:
        body.update(codeRetour=int(ReturnCode.NOT_FOUND), libelle=EMPTY)
    body[list_name] = items
    pagination = retour(page, total if items else 0)
    if top_level:
        body.update(pagination)
    else:
        body["parametresRetour"] = pagination
    return body
