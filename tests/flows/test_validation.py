"""The integration's XML schema and EN 16931 checks accept every corpus file (real-world
variants of both syntaxes and every Factur-X profile) and refuse what breaks them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.validation import en16931_errors, schema_errors, schema_for
from invoicing.recognition import xmlsafe
from invoicing.recognition.structured import values_of

CORPUS = Path(__file__).parents[1] / "invoicing" / "recognition" / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_passes_schema_and_en16931(name):
    entry = EXPECTED[name]
    root = xmlsafe.parse((CORPUS / entry["file"]).read_bytes())

    errors = schema_errors(root, facturx=bool(entry.get("facturx")))
    errors += en16931_errors(values_of(root))

    assert errors == []


def test_facturx_profile_picks_its_own_schema():
    minimum = xmlsafe.parse((CORPUS / "fx-minimum.xml").read_bytes())
    extended = xmlsafe.parse((CORPUS / "fx-extended.xml").read_bytes())

    assert schema_for(minimum, facturx=True) is not schema_for(extended, facturx=True)


def test_missing_mandatory_terms_are_each_named():
    root = xmlsafe.parse((CORPUS / "cii-en16931.xml").read_bytes())
    values = dict(values_of(root), invoice_number=None, currency=None, recipient_siret=None)

    assert en16931_errors(values) == [
        "Le numéro de facture (BT-1) est absent.",
        "La devise de la facture (BT-5) est absente.",
        "L'identifiant du destinataire (BT-47, SIRET) est absent.",
    ]
