"""Issue 11: the English UI shows no French. Every page each demo persona reaches by
following the links of the site (from the homepage, with the demo data of `seed_demo`, which
holds every status, the managers' history, requests...) is rendered with the user's language
set to English; any French source text of the catalogue (a msgid whose English msgstr differs)
left in the page fails the test, with the page it was seen on.

The catalogue is the one `tests/portal/test_translations.py` keeps complete; this test checks
that the texts are actually translated where they are shown (texts computed at import time,
stored translated, or built without gettext slip through a catalogue check).
"""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import polib
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from demo.structures import DOMAIN
from structures.models import Service, Structure
from tests.conftest import close_response
from tests.portal.test_translations import CATALOGUE

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "fournisseur.principal",
    "fournisseur.utilisateur",
    "fournisseur.retardataire",
    "sous-traitant",
    "titulaire",
    "etat.gestionnaire",
    "etat.valideur",
    "etat.service",
    "support",
)
MAX_PAGES = 140  # per persona
PER_VIEW = 2  # distinct URLs crawled per view (two invoices, two structures...)
SKIPPED_PREFIXES = ("/admin/", "/dev/", "/accounts/logout/", "/static/", "/cpro/")
# Views that answer a file (PDF, CSV, zip) or change something on GET: not pages.
SKIPPED_VIEWS = re.compile(r"certificate|download|csv|export|pdf|zip|file|logout|lang")
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdif]|%[sd]|\{\{[^}]*\}\}|\{[a-z_]*\}")
# Texts that are the same words in both languages once inside an English page (proper names,
# codes), or demo data that happens to equal a source text.
ALLOWED = {"Chorus Pro", "SIRET", "RIDET", "TAHITI"}


def _french_texts() -> tuple[set[str], set[str]]:
    """(phrases, words): fragments of translated msgids, between their placeholders.
    Phrases (two words or more) are looked for anywhere in the text; single words only as a
    whole text node (a button, a column heading), so that data containing them does not
    count."""
    phrases, words = set(), set()
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or not entry.msgstr or entry.msgstr == entry.msgid:
            continue
        for fragment in PLACEHOLDER.split(entry.msgid):
            fragment = " ".join(fragment.split()).strip(" :;,.()—-")
            if len(fragment) < 4 or fragment in ALLOWED or fragment in entry.msgstr:
                continue
            (phrases if " " in fragment else words).add(fragment)
    return phrases, words


class _Page(HTMLParser):
    """The text nodes (and the texts of title, aria-label, placeholder, alt) and links."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in self.ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def _data_texts() -> list[str]:
    """The demo's own data (names of structures and services), French whatever the
    language: removed from the pages before looking for source texts."""
    names = set(Structure.objects.values_list("company_name", flat=True))
    names |= set(Service.objects.values_list("name", flat=True))
    return sorted((name for name in names if name), key=len, reverse=True)


def _french_in(texts: list[str], phrases: set[str], words: set[str], data) -> set[str]:
    found = {text for text in texts if text.strip(" :*") in words}
    joined = "\n".join(texts)
    for name in data:
        joined = joined.replace(name, "\u2022")
    for phrase in phrases:
        if phrase in joined and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", joined):
            found.add(phrase)
    return found


def _view_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _crawl(client: Client, phrases, words) -> tuple[dict[str, set[str]], int]:
    seen: set[str] = set()
    per_view: Counter = Counter()
    queue = deque(["/"])
    leftovers: dict[str, set[str]] = {}
    pages = 0
    data = _data_texts()
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or "html" not in content_type:
            close_response(response)
            continue
        pages += 1
        parser = _Page()
        parser.feed(response.content.decode())
        found = _french_in(parser.texts, phrases, words, data)
        if found:
            leftovers[url] = found
        for href in parser.links:
            href = urldefrag(html.unescape(href))[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if href in seen or parts.path.startswith(SKIPPED_PREFIXES):
                continue
            seen.add(href)
            view = _view_name(parts.path)
            if view is None or SKIPPED_VIEWS.search(view) or SKIPPED_VIEWS.search(parts.path):
                continue
            if parts.query and "page=" in parts.query:
                continue  # further pages of a list: the same texts
            key = (view, bool(parts.query))
            if per_view[key] >= PER_VIEW:
                continue
            per_view[key] += 1
            queue.append(href)
    return leftovers, pages


@pytest.fixture(scope="module")
def french_texts():
    return _french_texts()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_of_the_persona_is_english(persona, french_texts, settings):
    call_command("seed_demo", verbosity=0)
    client = Client()
    if persona == "anonymous":
        client.get("/?lang=en")
    else:
        user = get_user_model().objects.get(email=f"{persona}@{DOMAIN}")
        user.language = "en"
        user.save(update_fields=["language"])
        client.force_login(user)
    leftovers, pages = _crawl(client, *french_texts)
    assert pages >= (3 if persona == "anonymous" else 8), f"only {pages} pages reached"
    report = "\n".join(f"{url}: {sorted(texts)}" for url, texts in sorted(leftovers.items()))
    assert not leftovers, f"French texts in English pages ({pages} pages crawled):\n{report}"
