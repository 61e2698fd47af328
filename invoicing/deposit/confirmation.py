"""The "Confirmation d'envoi" step of the deposit forms, reached by a redirect (PRG).

"Valider" posts the form; when every check passes, the posted fields are kept in the
session under the form's token and the browser is redirected to a GET page that shows the
summary. A refresh of that page re-reads the session (nothing is posted twice, no browser
"resend the form?" prompt); "Confirmer et envoyer" posts the same fields back to the form's
own URL, where the send happens, as before. Nothing is stored in the database until then.
"""

from __future__ import annotations

import re
import uuid

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse

from invoicing.deposit import services, uploads
from invoicing.deposit.disagreements import disagreements
from invoicing.enums import VALIDATION_FRAMES

SESSION_KEY = "deposit_confirmations"
KEPT = 5  # confirmations kept per session (several tabs), the oldest dropped first
NOT_POSTED_BACK = frozenset({"csrfmiddlewaretoken", "action"})


def form_url(*, is_entry_mode: bool, draft_pk: int | None) -> str:
    """The URL the form posts to (and "Confirmer et envoyer" / "Modifier" post back to)."""
    if draft_pk is not None:
        return reverse("invoicing:draft_edit", args=[draft_pk])
    return reverse("invoicing:deposit_entry" if is_entry_mode else "invoicing:deposit_form")


def stash(request, *, token: str, is_entry_mode: bool, draft_pk, main_pk) -> str:
    """Keep the posted fields for the confirmation page; returns its key."""
    key = token if re.fullmatch(r"[\w-]{1,64}", token or "", re.ASCII) else uuid.uuid4().hex
    posted = [
        [name, value]
        for name in request.POST
        if name not in NOT_POSTED_BACK
        for value in request.POST.getlist(name)
    ]
    kept = {k: v for k, v in request.session.get(SESSION_KEY, {}).items() if k != key}
    kept[key] = {
        "posted": posted,
        "is_entry_mode": is_entry_mode,
        "draft": draft_pk,
        "main": main_pk,
    }
    request.session[SESSION_KEY] = dict(list(kept.items())[-KEPT:])
    return key


def stashed(request, key: str) -> tuple[dict, QueryDict] | None:
    """The stash of this key and its fields as a QueryDict, or None when gone."""
    entry = request.session.get(SESSION_KEY, {}).get(key)
    if not isinstance(entry, dict):
        return None
    data = QueryDict(mutable=True)
    for name, value in entry.get("posted", []):
        data.appendlist(name, value)
    return entry, data


def forget(request, token: str) -> None:
    """After the send: the confirmation page of this form is gone."""
    kept = request.session.get(SESSION_KEY)
    if kept and token in kept:
        del kept[token]
        request.session.modified = True


def confirmation_page(request, page, deposit, data):
    """The summary and the same data posted back with "Confirmer et envoyer"."""
    posted = [
        (name, value)
        for name in page.post_data
        if name not in NOT_POSTED_BACK
        for value in page.post_data.getlist(name)
    ]
    form, draft = page.form, page.draft
    if form.is_entry_mode:
        data = services.with_entry_totals(data)
    structured = uploads.stored_prefill(page.main) if page.main is not None else None
    context = {
        "disagreements": disagreements(structured, data),
        "form": form,
        "data": data,
        "deposit": deposit,
        "posted": posted,
        "attachments": page.attachments,
        "main": page.main,
        "lines": deposit.invoice.lines,
        "vat_lines": deposit.invoice.vat_lines,
        "action_url": form_url(
            is_entry_mode=form.is_entry_mode, draft_pk=draft.pk if draft else None
        ),
        "is_validation_frame": deposit.invoice.frame in VALIDATION_FRAMES,
    }
    return render(request, "invoicing/deposit/confirm.html", context)
