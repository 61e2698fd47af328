"""Issue 9: a Content-Security-Policy on every page, and pages that work under it.

Every page of the actor matrix — each named URL without argument, and the id-taking ones with
the ids of the personas' own objects (the `world` of the no-500 sweep) — is opened by the
anonymous visitor, a supplier main manager, a simple user and a public reviewer. Each HTML page
answered 200 must carry a CSP without 'unsafe-inline' / 'unsafe-eval', the Permissions-Policy,
`Cache-Control: private, no-store` when logged in; and its HTML must hold no inline event
handler, no `style` attribute and no inline `<script>` without the response's nonce.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from invoicing.models import Invoice
from notifications.models import Email
from tests.conftest import close_response
from tests.factories.accounts import UserFactory
from tests.fuzz.test_no_server_error import PATTERNS, World, _urls
from tests.fuzz.test_no_server_error import world as world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "main_manager", "simple_view", "public_reviewer")
EXPECTED_DIRECTIVES = {
    "default-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
}


def _policy(header: str) -> dict[str, set[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


class _InlineCode(HTMLParser):
    """What a page holds that the policy refuses: inline handlers, style attributes and
    `<style>` elements, inline scripts without the response's nonce."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce = nonce
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if re.fullmatch(r"on\w+", name):
                self.problems.append(f"<{tag} {name}=…> (inline event handler)")
            elif name == "style":
                self.problems.append(f"<{tag} style=…>")
        if tag == "style":
            self.problems.append("<style> element")
        inline_script = tag == "script" and not attributes.get("src")
        if inline_script and (not self.nonce or attributes.get("nonce") != self.nonce):
            self.problems.append(f"inline <script> without the nonce: {attributes}")


def _world_urls(world: World, name: str, kwargs: tuple[str, ...]) -> list[str]:
    """The pattern's URLs with the personas' own ids (forged and other structures' aside)."""
    personas = world.personas
    foreign = {personas.other_structure.pk, personas.other_user.pk}
    foreign |= set(
        Invoice.objects.filter(supplier=personas.other_structure).values_list("pk", flat=True)
    )
    own = World(
        personas=personas,
        ids={key: [i for i in ids if i not in foreign] for key, ids in world.ids.items()},
    )
    if not kwargs:
        return _urls(name, kwargs, own)
    if "token" in kwargs or not all(own.ids.get(key) for key in kwargs):
        return []
    # _urls() starts with the forged ids: leave them out.
    return _urls(name, kwargs, own)[2:]


def _check_page(persona: str, url: str, response) -> list[str]:
    problems = []
    header = response.get("Content-Security-Policy", "")
    if not header:
        return [f"{persona} {url}: no Content-Security-Policy"]
    if "unsafe-inline" in header or "unsafe-eval" in header:
        problems.append(f"{persona} {url}: unsafe CSP {header}")
    policy = _policy(header)
    for directive, values in EXPECTED_DIRECTIVES.items():
        if policy.get(directive) != values:
            problems.append(f"{persona} {url}: {directive} is {policy.get(directive)}")
    script_src = policy.get("script-src", set())
    nonces = {v[len("'nonce-") : -1] for v in script_src if v.startswith("'nonce-")}
    if "'self'" not in script_src or script_src - {"'self'"} - {f"'nonce-{n}'" for n in nonces}:
        problems.append(f"{persona} {url}: script-src is {script_src}")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append(f"{persona} {url}: no Permissions-Policy")
    if persona != "anonymous":
        cache_control = {p.strip() for p in response.get("Cache-Control", "").split(",")}
        if not {"private", "no-store"} <= cache_control:
            problems.append(f"{persona} {url}: Cache-Control {response.get('Cache-Control')}")
    parser = _InlineCode(next(iter(nonces), None))
    parser.feed(response.content.decode(errors="replace"))
    problems += [f"{persona} {url}: {problem}" for problem in parser.problems]
    return problems


@pytest.mark.parametrize(("name", "kwargs"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_every_page_has_a_strict_csp_and_no_inline_code(world, name, kwargs):  # noqa: F811
    problems = []
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            client.force_login(getattr(world.personas, persona))
        for url in _world_urls(world, name, kwargs):
            response = client.get(url)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                problems += _check_page(persona, url, response)
            elif getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            close_response(response)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_the_walk_sees_the_pages_of_each_persona(world):  # noqa: F811
    """The walk above is not vacuous: the main pages answer 200 HTML with a nonce'd policy."""
    for persona in PERSONAS[1:]:
        client = Client()
        client.force_login(getattr(world.personas, persona))
        response = client.get(reverse("home"))
        assert response.status_code == 200
        assert not _check_page(persona, "/", response)
        assert "'nonce-" in response["Content-Security-Policy"]


def test_dsfr_scripts_carry_the_nonce(client, personas):
    client.force_login(personas.main_manager)

    response = client.get(reverse("home"))

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert response.content.decode().count(f'nonce="{nonce}"') >= 2  # module and nomodule


def test_only_the_dev_mail_viewer_is_exempt(client, settings):
    """Its iframe `srcdoc` shows the mail's inline styles: the one exempt page (DEBUG only)."""
    settings.DEBUG = True
    email = Email.objects.create(
        to="a@example.test",
        subject="Test",
        body_text="texte",
        body_html="<p style='color: red'>x</p>",
        template="test",
    )
    client.force_login(UserFactory())

    assert "Content-Security-Policy" not in client.get(
        reverse("notifications:dev_mail", args=[email.pk])
    )
    assert "Content-Security-Policy" in client.get(reverse("notifications:dev_mails"))


@pytest.fixture
def _tolerant_totp(settings):
    settings.MFA_TOTP_TOLERANCE = 1


@pytest.mark.usefixtures("_tolerant_totp")
# An admin add form with a URLField warns (assume_scheme, Django 6.0): not this test's subject.
@pytest.mark.filterwarnings("ignore:The default scheme will be changed")
def test_admin_pages_have_the_csp_and_no_inline_code(client):
    """The admin (behind the second factor) is not in the walk: its index, and the list and
    add pages of every model, are checked here."""
    from django.contrib import admin

    from tests.accounts.helpers import log_in
    from tests.accounts.test_mfa import current_code
    from tests.factories.accounts import with_totp

    staff = UserFactory(is_staff=True, is_superuser=True)
    secret = with_totp(staff)
    log_in(client, staff.email)
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls += [reverse("admin:{}_{}_changelist".format(*info))]
        urls += [reverse("admin:{}_{}_add".format(*info))]
    problems, seen = [], 0
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            seen += 1
            problems += _check_page("superuser", url, response)
    assert seen > 2
    assert not problems, "\n".join(problems)
