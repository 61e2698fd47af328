"""What the deposit form shows around its fields, shared by the full page and its htmx
fragments: the recipient and validator look-ups, the billing mandate, the entry totals."""

from __future__ import annotations

from django.urls import reverse

from invoicing.deposit.forms import deposit_structures
from invoicing.rules import amounts, fields
from invoicing.rules import routing as routing_rules
from portal.params import clean_param, parse_id
from structures import access


def mandate_context(user, supplier_id) -> dict | None:
    """MAN-1 / INV-9: the supplier's billing mandate, and where to accept it."""
    supplier_id = parse_id(supplier_id)
    structure = deposit_structures(user).filter(pk=supplier_id).first() if supplier_id else None
    if structure is None:
        structure = deposit_structures(user).first()
    if structure is None:
        return None
    return {
        "structure": structure,
        "accepted": structure.has_billing_mandate,
        "url": reverse("structures:mandate", args=[structure.pk])
        if access.is_manager(user, structure)
        else None,
    }


def totals(formset, form) -> dict:
    lines = []
    for line_form in formset.forms:
        if line_form.is_bound:
            line_form.is_valid()
        else:
            line_form.cleaned_data = {
                name: line_form.initial.get(name) for name in line_form.fields
            }
        line = line_form.line()
        if (
            line is not None
            and line.get("quantity") is not None
            and line.get("unit_price") is not None
        ):
            lines.append(line)
    discount = form["global_discount"].value() or 0
    try:
        return amounts.compute_totals(lines, discount)
    except ArithmeticError:
        return amounts.compute_totals(lines, 0)


def lookup_context(identifier, service_code, supplier_id) -> dict:
    identifier = fields.normalise_identifier(clean_param(identifier))
    service_code = clean_param(service_code)
    context = {
        "identifier": identifier,
        "service_code": service_code,
        "recipient": None,
        "own": False,
        "services": [],
        "service": None,
        "service_usable": False,
        "problem": "",
        "unknown": False,
    }
    if not identifier:
        return context
    recipient = routing_rules.find_recipient(identifier)
    context["recipient"] = recipient
    if recipient is None:
        kind, context["problem"] = routing_rules.recipient_problem(
            identifier, supplier_pk=supplier_id
        )
        context["unknown"] = kind == "unknown"
        return context
    context["own"] = str(recipient.pk) == str(supplier_id or "")
    context["services"] = routing_rules.usable_services(recipient)
    if service_code:
        service = routing_rules.find_service(recipient, service_code)
        context["service"] = service
        context["service_usable"] = bool(service and service.is_usable())
    return context


def validator_context(identifier, service_code, supplier_id) -> dict:
    identifier = fields.normalise_identifier(clean_param(identifier))
    service_code = clean_param(service_code)
    context = {
        "identifier": identifier,
        "validator": None,
        "own": False,
        "service_code": (service_code or "").strip(),
        "service": None,
    }
    if identifier:
        validator = routing_rules.find_active_structure(identifier)
        context["validator"] = validator
        context["own"] = bool(validator) and str(validator.pk) == str(supplier_id or "")
        if validator is not None and service_code:
            context["service"] = routing_rules.find_service(
                validator, service_code.strip(), active_only=True
            )
    return context
