"""The assistant's steps (ASS-1..ASS-6). Each step is an htmx fragment swapped into the
dialogue; without htmx (or when a link is opened directly) the same fragment comes in a
full page, so the dialogue works without script too. Buttons and one input only."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assistant import services


class NumberForm(forms.Form):
    number = forms.CharField(label=_("Numéro de la facture"), max_length=services.NUMBER_MAX)


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Votre question"), max_length=300)


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Adresse de connexion"))


def _step(request, template: str, context: dict | None = None, status: int = 200):
    context = {"step": template, **(context or {})}
    if request.htmx:
        return render(request, f"assistant/{template}.html", context, status=status)
    return render(request, "assistant/page.html", context, status=status)


@login_not_required
@require_GET
def start(request):
    """ASS-1 (logged in) or ASS-6 (public pages): the first bubble."""
    if request.user.is_authenticated:
        return _step(request, "_start")
    return _step(request, "_public", {"form": QuestionForm()})


@require_GET
def invoice_menu(request):
    """ASS-2: « Je veux des informations sur une facture ou un virement reçu »."""
    return _step(request, "_invoice_menu")


@require_GET
def tracking(request):
    """ASS-2: « le suivi d'une facture… » → type the invoice number."""
    return _step(request, "_number", {"form": NumberForm()})


@require_http_methods(["GET", "POST"])
def search(request):
    """ASS-3: the matches among the user's invoices; one is answered at once."""
    form = NumberForm(request.POST or request.GET or None)
    if not form.is_valid():
        return _step(request, "_number", {"form": form}, status=200)
    matches = services.find_invoices(request.user, form.cleaned_data["number"])
    if len(matches) == 1:
        return _answer(request, matches[0])
    return _step(
        request,
        "_matches",
        {"form": form, "matches": matches, "number": form.cleaned_data["number"]},
    )


def _answer(request, invoice):
    sides = services.sides(request.user, invoice)
    if sides.issued:
        detail_url = reverse("invoicing:issued_detail", args=[invoice.pk])
    elif sides.received:
        detail_url = reverse("invoicing:received_detail", args=[invoice.pk])
    else:
        detail_url = reverse("validation:detail", args=[invoice.pk])
    contact_url = (
        reverse("requests_app:create") + f"?facture={invoice.pk}"
        if sides.issued and services.can_follow_up(request.user, invoice)
        else ""
    )
    return _step(
        request,
        "_answer",
        {"invoice": invoice, "detail_url": detail_url, "contact_url": contact_url},
    )


@require_GET
def invoice(request, pk: int):
    """ASS-4: recipient, status (in the user's language), date of the last change."""
    found = services.visible_invoice(request.user, pk)
    if found is None:
        raise Http404
    return _answer(request, found)


@require_GET
def comment(request, pk: int):
    """ASS-5: the recipient's comment, e.g. on a rejection."""
    found = services.visible_invoice(request.user, pk)
    if found is None:
        raise Http404
    return _step(
        request, "_comment", {"invoice": found, "comment": services.recipient_comment(found)}
    )


@login_not_required
@require_POST
def question(request):
    """ASS-6: a free question on a public page; an activation problem asks for the address."""
    form = QuestionForm(request.POST)
    if form.is_valid() and services.is_activation_question(form.cleaned_data["question"]):
        return _step(request, "_activation", {"form": EmailForm()})
    return _step(request, "_public", {"form": form, "not_understood": form.is_valid()})


@login_not_required
@require_http_methods(["GET", "POST"])
def activation(request):
    """ASS-6: the address, then the same answer whether the account exists or not."""
    if request.method == "GET":
        return _step(request, "_activation", {"form": EmailForm()})
    form = EmailForm(request.POST)
    if not form.is_valid():
        return _step(request, "_activation", {"form": form})
    sent = services.resend_activation(form.cleaned_data["email"], request=request)
    return _step(request, "_activation_done", {"limited": not sent}, status=200 if sent else 429)
