"""The English translation is complete: every French source text of the project (Python code
and templates) has a non-fuzzy English msgstr in locale/en/LC_MESSAGES/django.po.

makemessages runs on a mirror of the tree made of symlinks, writing into a temporary copy of
the catalogue, so the test never touches the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = [
    "portal",
    "accounts",
    "structures",
    "invoicing",
    "validation",
    "requests_app",
    "notifications",
    "commitments",
    "flows",
    "demo",
    "templates",
]


def _extract(tmp_path: Path) -> polib.POFile:
    if not shutil.which("xgettext"):
        pytest.fail("xgettext (Debian package gettext) is required to check the translations")
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for name in SOURCE_DIRS:
        if (ROOT / name).exists():
            (mirror / name).symlink_to(ROOT / name)
    target = mirror / "locale" / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    if CATALOGUE.exists():
        shutil.copy(CATALOGUE, target / "django.po")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "portal.settings"}
    env["TESTING"] = "1"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "makemessages",
            "-l",
            "en",
            "--symlinks",
            "--no-obsolete",
            "--ignore",
            "*/migrations/*",
        ],
        cwd=mirror,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return polib.pofile(str(target / "django.po"))


def test_english_catalogue_covers_every_source_text(tmp_path):
    extracted = _extract(tmp_path)
    missing = [e.msgid for e in extracted if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in extracted if "fuzzy" in e.flags]
    assert not missing, f"{len(missing)} texts without English translation, e.g. {missing[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy translations to review, e.g. {fuzzy[:10]}"


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.percent_translated() == 100
    assert not catalogue.fuzzy_entries()
