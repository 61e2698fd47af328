"""Browser test of the Content-Security-Policy (issue 9): the pages that had inline script,
handlers or styles work under the policy, and Chromium reports no violation.

A supplier main manager of two structures logs in through the login page, sees the LIF-6
pop-up open by itself on the Issued synthesis and closes it, changes the structure selector
(`data-autosubmit`: the page reloads for that structure), opens the deposit page, and on the
structure creation page the hint under « Identifiant » follows the chosen type (STR-2).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from structures.enums import Role
from tests.factories.accounts import PASSWORD
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import StructureFactory, attach, build_personas

pytestmark = pytest.mark.django_db(transaction=True)

# Reports violations as the page sees them (init scripts are not subject to the page's CSP).
LISTEN_TO_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI + " "
    + (event.sourceFile || "") + ":" + (event.lineNumber || ""));
});
"""
CSP_MESSAGE = re.compile(r"Refused to|Content Security Policy", re.IGNORECASE)


def _violations(page, console: list[str]) -> list[str]:
    return [text for text in console if CSP_MESSAGE.search(text)] + page.evaluate(
        "window.__cspViolations || []"
    )


def _visit(page, console: list[str], path: str) -> None:
    page.goto(page.base_url + path)
    page.wait_for_load_state("load")
    assert _violations(page, console) == [], path


def test_pages_work_under_the_csp_without_violation(page, tmp_path):
    personas = build_personas()
    second = StructureFactory(company_name="Seconde Structure")
    attach(personas.main_manager, second, Role.MAIN_MANAGER)
    InvoiceFactory(
        supplier=personas.structure,
        recipient=personas.public,
        status="REJETEE",
        number="REJ-CSP",
        status_comment="Montant faux",
        status_changed_at=timezone.now() - datetime.timedelta(days=2),
    )
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.add_init_script(LISTEN_TO_VIOLATIONS)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The login page, then the home page of the logged-in supplier.
    _visit(page, console, reverse("account_login"))
    page.fill("input[name=login]", personas.main_manager.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#content button[type=submit]")
    page.wait_for_url(page.base_url + "/")
    assert _violations(page, console) == [], "home"

    # The Issued synthesis: the LIF-6 pop-up opens by itself (static/portal/acknowledgement.js).
    _visit(page, console, reverse("invoicing:issued"))
    modal = page.locator("#acknowledgement-modal")
    modal.wait_for(state="visible")
    assert modal.get_attribute("data-mandatory") == "false"
    assert "REJ-CSP" in modal.inner_text()
    page.click("#acknowledgement-close")
    modal.wait_for(state="hidden")

    # The structure selector submits itself when changed (data-autosubmit, static/portal/portal.js).
    with page.expect_navigation():
        page.select_option("#id_structure", str(second.pk))
    assert f"structure={second.pk}" in page.url
    assert page.input_value("#id_structure") == str(second.pk)
    modal.wait_for(state="visible")  # not acknowledged: it opens again on the new page
    page.click("#acknowledgement-close")
    modal.wait_for(state="hidden")
    page.screenshot(path=str(tmp_path / "issued-synthesis-csp.png"), full_page=True)
    assert _violations(page, console) == [], "synthesis"

    # The deposit page.
    _visit(page, console, reverse("invoicing:deposit"))
    assert page.locator("#upload-form").is_visible()
    page.screenshot(path=str(tmp_path / "deposit-csp.png"), full_page=True)

    # The structure creation page: the hint follows the identifier type (STR-2).
    _visit(page, console, reverse("structures:create"))
    help_text = page.locator("#id_identifier_helptext")
    page.select_option("#id_identifier_type", "HORS_UE")
    assert "immatriculation" in help_text.inner_text()
    page.select_option("#id_identifier_type", "UE_HORS_FRANCE")
    assert "TVA intracommunautaire" in help_text.inner_text()

    assert _violations(page, console) == []
    assert not [text for text in console if text.startswith("pageerror")], console
