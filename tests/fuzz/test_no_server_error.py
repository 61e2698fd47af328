"""Issue 9: no request makes the portal answer HTTP 500.

Every URL pattern of the portal (the admin and the DEBUG mail viewer aside) is requested by
the personas of the actor matrix, with the ids of their own objects, of another structure's,
and ids that no database holds; then every form field the site shows, and every parameter
name a form of the site uses, is sent hostile values (a NUL byte, "²", 1E+30, very long text,
markup...) by GET and by POST. One test per URL pattern, so that pytest-xdist spreads them.

Bounded: a few ids per pattern and persona, then a dozen hostile requests on the first page
the persona may open. A 500 is collected with its request and the test fails listing every
one of them. The number of requests is summed at the end of the run (tests/fuzz/conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from invoicing.enums import InvoiceStatus
from invoicing.models import Attachment
from tests.conftest import close_response
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import BankAccountFactory, ServiceFactory, build_personas

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "dev/", "accounts/logout/", "accounts/^")
HOSTILE_VALUES = (
    "²",
    "a\x00b",
    "1E+30",
    "9" * 40,
    "<script>alert(1)</script>" + "x" * 300,
    "2026-02-30",
)
# Ids no table holds: zero, and one past what a signed 64-bit column can store.
FORGED_IDS = (0, 2**63 + 7)
PERSONAS = ("anonymous", "main_manager", "simple_view", "public_reviewer", "support")


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            if not route.startswith(SKIPPED_PREFIXES):
                yield route, namespace + entry.name, list(entry.pattern.converters)


PATTERNS = sorted({(name, tuple(kwargs)) for _route, name, kwargs in _patterns()})


class _Forms(HTMLParser):
    """The forms of a page: method, action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "fields": {},
                }
            )
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"].setdefault(attrs["name"], attrs.get("value") or "")


def _forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@dataclass
class World:
    personas: object
    ids: dict[str, list[int]] = field(default_factory=dict)


@pytest.fixture
def world(db) -> World:
    personas = build_personas()
    own_service = ServiceFactory(structure=personas.public)
    bank = BankAccountFactory(structure=personas.structure)
    draft = InvoiceFactory(supplier=personas.structure, status=InvoiceStatus.BROUILLON)
    sent = InvoiceFactory(supplier=personas.structure, recipient=personas.public)
    suspended = InvoiceFactory(
        supplier=personas.structure, recipient=personas.public, status=InvoiceStatus.SUSPENDUE
    )
    foreign = InvoiceFactory(supplier=personas.other_structure)
    attachment = Attachment.objects.create(
        invoice=sent, original_name="facture.pdf", size=10, sha256="0" * 64, path="x/facture.pdf"
    )
    structures = [personas.structure.pk, personas.public.pk, personas.other_structure.pk]
    invoices = [draft.pk, sent.pk, suspended.pk, foreign.pk]
    return World(
        personas=personas,
        ids={
            "pk": structures + invoices,
            "service_pk": [own_service.pk],
            "account_pk": [bank.pk],
            "user_id": [personas.simple_view.pk, personas.other_user.pk],
            "invoice_pk": [sent.pk, foreign.pk],
            "attachment_pk": [attachment.pk],
            "token": [],
        },
    )


def _urls(name: str, kwargs: tuple[str, ...], world: World) -> list[str]:
    if not kwargs:
        return [reverse(name)]
    if "token" in kwargs:
        return [reverse(name, kwargs={"token": "forged:token"})]
    if "key" in kwargs:  # the deposit confirmation stash: a key of no session
        return [reverse(name, kwargs={"key": "forged-key"})]
    urls = []
    for value in FORGED_IDS:
        urls.append(reverse(name, kwargs=dict.fromkeys(kwargs, value)))
    for position in range(max(len(world.ids[k]) for k in kwargs)):
        values = {k: world.ids[k][min(position, len(world.ids[k]) - 1)] for k in kwargs}
        urls.append(reverse(name, kwargs=values))
    return urls


def _client(world: World, persona: str) -> Client:
    client = Client(raise_request_exception=False)
    if persona != "anonymous":
        client.force_login(getattr(world.personas, persona))
    return client


REQUESTS = [0]  # requests sent by this process, reported per test


def _consume(response) -> int:
    REQUESTS[0] += 1
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    close_response(response)
    return response.status_code


def _all_field_names() -> set[str]:
    """Parameter names the site's views read, as shown in their forms (filled in by the
    page sweeps and by what the issue's campaign found)."""
    return {
        "q",
        "page",
        "structure",
        "supplier",
        "invoice",
        "draft",
        "lines-TOTAL_FORMS",
        "lines-INITIAL_FORMS",
        "recipient_identifier",
        "recipient_service_code",
        "validator_identifier",
        "identifier",
        "email",
        "amount_ht",
        "amount_tva",
        "amount_ttc",
        "sort",
        "status",
        "date_from",
        "date_to",
    }


@pytest.mark.parametrize(("name", "kwargs"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_no_request_answers_500(world, name, kwargs, record_property):
    started = REQUESTS[0]
    failures = []
    names = _all_field_names()
    for persona in PERSONAS:
        client = _client(world, persona)
        swept = False
        for url in _urls(name, kwargs, world):
            response = client.get(url)
            status = _consume(response)
            if status >= 500:
                failures.append(f"{persona} GET {url} -> {status}")
                continue
            # Hostile values on the first page this persona may open (or that only takes POST).
            if swept or status not in (200, 405):
                continue
            swept = True
            forms = []
            if status == 200 and "html" in response.get("Content-Type", ""):
                forms = _forms(response.content.decode(errors="replace"))
            fields = set(names).union(*(form["fields"] for form in forms)) - {"csrfmiddlewaretoken"}
            methods = ["get"] if status == 200 else []
            if status == 405 or any(form["method"] == "post" for form in forms):
                methods.append("post")
            for value in HOSTILE_VALUES:
                hostile = dict.fromkeys(fields, value)
                for method in methods:
                    status = _consume(getattr(client, method)(url, hostile))
                    if status >= 500:
                        failures.append(
                            f"{persona} {method.upper()} {url} all={value!r} -> {status}"
                        )
    record_property("fuzz_requests", REQUESTS[0] - started)
    record_property("fuzz_500s", len(failures))
    if failures:
        pytest.fail("HTTP 500:\n" + "\n".join(failures), pytrace=False)
