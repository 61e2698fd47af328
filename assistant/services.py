"""The assistant's answers (ASS-1 to ASS-6): invoice tracking within the user's rights and
the activation-link re-send of public pages. Read-only except the re-send, which goes
through `accounts.services.resend_activation` (same answer whether the account exists)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet

from accounts import services as account_services
from invoicing import queries as invoice_queries
from invoicing.enums import ActorRole
from invoicing.models import Invoice
from requests_app import queries as follow_up_queries

MAX_MATCHES = 10
NUMBER_MAX = 40
# ASS-6: at most this many re-sends asked through the assistant per client address and hour.
RESEND_LIMIT = 5
RESEND_WINDOW = 3600
ACTIVATION_WORDS = ("activ", "lien", "mail", "courriel", "compte", "link", "account")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text.lower()).strip()


def is_activation_question(text: str) -> bool:
    """ASS-6: « je ne trouve pas le mail avec le lien pour activer mon compte » and the
    like: something about activation, or a missing link or mail about the account."""
    words = normalise(text)
    if "activ" in words:
        return True
    hits = sum(1 for word in ACTIVATION_WORDS if word in words)
    return hits >= 2


def find_invoices(user, number: str) -> list[Invoice]:
    """ASS-2 / ASS-3: invoices of the user's structures (issued, received or to validate,
    scoped like the lists) carrying exactly that number."""
    number = (number or "").strip()
    if not number or len(number) > NUMBER_MAX:
        return []
    return list(
        invoice_queries.any_visible(user)
        .filter(number=number)
        .select_related("recipient", "recipient_service", "supplier")
        .order_by("-status_changed_at", "-id")[:MAX_MATCHES]
    )


def visible_invoice(user, pk: int) -> Invoice | None:
    return (
        invoice_queries.any_visible(user)
        .select_related("recipient", "recipient_service", "supplier")
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class Sides:
    issued: bool
    received: bool
    to_validate: bool


def sides(user, invoice: Invoice) -> Sides:
    def has(queryset: QuerySet) -> bool:
        return queryset.filter(pk=invoice.pk).exists()

    return Sides(
        issued=has(invoice_queries.issued_invoices(user)),
        received=has(invoice_queries.received_invoices(user)),
        to_validate=has(invoice_queries.invoices_to_validate(user)),
    )


def can_follow_up(user, invoice: Invoice) -> bool:
    """ASS-5: "contacter le service destinataire" once the recipient sees the invoice."""
    return follow_up_queries.invoices_for_follow_up(user).filter(pk=invoice.pk).exists()


def recipient_comment(invoice: Invoice) -> str:
    """ASS-5 / RCV-5: the recipient's comment of its last status change, if any."""
    event = (
        invoice.events.filter(actor_role=ActorRole.RECIPIENT)
        .exclude(comment="")
        .order_by("-created_at", "-id")
        .first()
    )
    return event.comment if event else ""


def resend_activation(email: str, *, request) -> bool:
    """ASS-6: re-send the activation link, at most RESEND_LIMIT times an hour per client
    address. Returns False when the limit is reached (the caller says so, the same for
    every address); otherwise True, whether or not an account exists."""
    client = request.META.get("REMOTE_ADDR", "")
    key = f"assistant:resend:{client}"
    cache.add(key, 0, RESEND_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    if count > RESEND_LIMIT:
        return False
    account_services.resend_activation(email, request=request)
    return True
