"""Template tags of structures: the My account blocks (ACC-8)."""

from __future__ import annotations

from django import template

from structures import queries

register = template.Library()


@register.inclusion_tag("structures/account/_account_blocks.html", takes_context=True)
def account_structure_blocks(context, user, which: str = "both"):
    """ "Mes rattachements aux structures" and "Mes abonnements aux espaces".

    `which` = "links", "subscriptions" or "both". A fixed number of queries.
    """
    return {
        **queries.account_blocks(user),
        "which": which,
        "csrf_token": context.get("csrf_token"),
        "request_path": getattr(context.get("request"), "path", ""),
    }


@register.simple_tag
def directory_rows(structures):
    """The rows of the directory's results (`structures.directory.rows`, issue 10)."""
    from structures.directory.rows import directory_rows as rows

    return rows(structures)
