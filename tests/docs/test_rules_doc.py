"""docs/rules.md is what `manage.py write_rules_doc` writes from the code (issue 15)."""

from pathlib import Path

from django.conf import settings

from portal.management.commands.write_rules_doc import render


def test_committed_rules_document_matches_the_code():
    committed = (Path(settings.BASE_DIR) / "docs" / "rules.md").read_text(encoding="utf-8")

    assert committed == render(), "run: python manage.py write_rules_doc"


def test_rules_document_holds_every_transition_and_the_pinned_limits():
    text = render()

    for code in [f"T{n}" for n in range(1, 19)]:
        assert f"| {code} |" in text
    assert "| one file (ATT-3) | 10 MB |" in text
    assert "| login lockout (ACC-6) | 5 failures lock for 60 minutes |" in text
