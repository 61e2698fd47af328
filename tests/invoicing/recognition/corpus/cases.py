"""The corpus cases: each a variant real software writes (issue 13)."""

from __future__ import annotations

from tests.invoicing.recognition.corpus.spec import (
    BUYER_SIREN,
    BUYER_SIRET,
    FX_GUIDELINES,
    SELLER_SIRET,
    VALIDATOR_SIRET,
    Case,
)

COMMENT = '<?xml version="1.0" encoding="UTF-8"?>\n<!-- Exemple de facture EN 16931 -->\n'
PI = '<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="facture.xsl"?>\n'
MULTI_VAT = [
    ("Ordinateur portable", "2", "899.90", "20"),
    ("Repas de séminaire", "12", "18.50", "10"),
    ("Manuels scolaires", "30", "12.40", "5.5"),
    ("Presse", "10", "1.20", "2.1"),
]
ALLOWANCES = [("50.00", "20", "Remise fidélité"), ("-15.00", "20", "Frais de port")]


def _facturx(level: str, name: str = "factur-x.xml", **kw) -> dict:
    return {"level": level, "attachment_name": name, **kw}


CASES: list[Case] = [
    # --- UBL 2.1 -------------------------------------------------------------------------
    Case("ubl-invoice", syntax="UBL"),
    Case("ubl-invoice-comment-before-root", syntax="UBL", prolog=COMMENT),
    Case("ubl-invoice-no-xml-declaration-comment", syntax="UBL", prolog="<!-- sans prologue -->\n"),
    Case("ubl-invoice-stylesheet-pi", syntax="UBL", prolog=PI),
    Case(
        "ubl-invoice-comment-after-root", syntax="UBL", epilog="<!-- signé le 12/03 -->\n<?fin?>\n"
    ),
    Case("ubl-invoice-bom", syntax="UBL", bom=True, prolog=COMMENT),
    Case(
        "ubl-invoice-utf16",
        syntax="UBL",
        encoding="utf-16",
        prolog='<?xml version="1.0" encoding="UTF-16"?>\n',
    ),
    Case("ubl-invoice-prefixed-root", syntax="UBL", prefixes={"": "ubl"}),
    Case("ubl-invoice-odd-prefixes", syntax="UBL", prefixes={"": "inv", "cbc": "b", "cac": "a"}),
    Case(
        "ubl-credit-note",
        syntax="UBL",
        credit_note_root=True,
        type_code="381",
        original="FA-2026-0000",
        number="AV-2026-0001",
    ),
    Case(
        "ubl-credit-note-prefixed",
        syntax="UBL",
        credit_note_root=True,
        type_code="381",
        original="FA-2025-0099",
        prefixes={"": "cn"},
    ),
    Case("ubl-invoice-type-381", syntax="UBL", type_code="381", original="FA-2025-0100"),
    Case("ubl-invoice-multi-vat", syntax="UBL", lines=MULTI_VAT),
    Case("ubl-invoice-allowances", syntax="UBL", lines=MULTI_VAT[:2], allowances=ALLOWANCES),
    Case("ubl-invoice-prepaid", syntax="UBL", prepaid="100.00"),
    Case("ubl-invoice-attachment", syntax="UBL", attachment=True),
    Case(
        "ubl-invoice-siret-0002",
        syntax="UBL",
        buyer_ids=[("0002", BUYER_SIRET)],
        seller_ids=[("0002", SELLER_SIRET)],
    ),
    Case("ubl-invoice-siren-0002", syntax="UBL", buyer_ids=[("0002", BUYER_SIREN)]),
    Case(
        "ubl-invoice-bare-siret",
        syntax="UBL",
        buyer_ids=[("", BUYER_SIRET)],
        seller_ids=[("", SELLER_SIRET)],
    ),
    Case(
        "ubl-invoice-siren-and-siret",
        syntax="UBL",
        buyer_ids=[("0002", BUYER_SIREN), ("0009", BUYER_SIRET)],
    ),
    Case(
        "ubl-invoice-peppol-profile",
        syntax="UBL",
        process="urn:fdc:peppol.eu:2017:poacc:billing:01:1.0",
        expect={"frame": "A1_FACTURE_FOURNISSEUR"},
    ),
    Case(
        "ubl-invoice-a9",
        syntax="UBL",
        process="A9_FACTURE_SOUSTRAITANT",
        validator_ids=[("0009", VALIDATOR_SIRET)],
        expect={"frame": "A9_FACTURE_SOUSTRAITANT", "validator_siret": VALIDATOR_SIRET},
    ),
    Case("ubl-invoice-exempt", syntax="UBL", exempt=True, lines=[("Formation", "3", "400", "0")]),
    Case("ubl-invoice-usd", syntax="UBL", currency="USD"),
    Case(
        "ubl-invoice-no-references", syntax="UBL", buyer_reference=None, order=None, contract=None
    ),
    # --- CII D16B ------------------------------------------------------------------------
    Case("cii-en16931"),
    Case("cii-no-business-process", process=None, expect={"frame": "A1_FACTURE_FOURNISSEUR"}),
    Case("cii-facturx-extended-guideline", guideline=FX_GUIDELINES["extended"]),
    Case("cii-comment-before-root", prolog=COMMENT),
    Case("cii-pi-and-comment-around-root", prolog=PI, epilog="<!-- fin -->\n"),
    Case("cii-bom", bom=True),
    Case("cii-default-namespace-root", prefixes={"rsm": ""}),
    Case("cii-odd-prefixes", prefixes={"rsm": "ns0", "ram": "ns1", "udt": "ns2", "qdt": "ns3"}),
    Case("cii-credit-note", type_code="381", original="FA-2025-0042", number="AV-2026-0007"),
    Case("cii-multi-vat", lines=MULTI_VAT),
    Case("cii-allowances", lines=MULTI_VAT[:2], allowances=ALLOWANCES),
    Case("cii-prepaid", prepaid="240.00"),
    Case("cii-attachment", attachment=True),
    Case("cii-siret-0002", buyer_ids=[("0002", BUYER_SIRET)], seller_ids=[("0002", SELLER_SIRET)]),
    Case("cii-siren-0002", buyer_ids=[("0002", BUYER_SIREN)]),
    Case("cii-bare-siret", buyer_ids=[("", BUYER_SIRET)], seller_ids=[("", SELLER_SIRET)]),
    Case("cii-siren-legal-siret-global", buyer_ids=[("0002", BUYER_SIREN), ("0009", BUYER_SIRET)]),
    Case(
        "cii-a12",
        process="A12",
        validator_ids=[("0009", VALIDATOR_SIRET)],
        expect={"frame": "A12_FACTURE_COTRAITANT", "validator_siret": VALIDATOR_SIRET},
    ),
    Case("cii-exempt", exempt=True, lines=[("Formation", "3", "400", "0")]),
    # --- Factur-X, every profile (wrapped in a PDF/A-3 at test time) --------------------
    Case(
        "fx-minimum",
        level="minimum",
        guideline=FX_GUIDELINES["minimum"],
        buyer_reference="SERVICE_FIN",
        contract=None,
        facturx=_facturx("minimum"),
    ),
    Case(
        "fx-basicwl",
        level="basicwl",
        guideline=FX_GUIDELINES["basicwl"],
        facturx=_facturx("basicwl"),
    ),
    Case(
        "fx-basic",
        level="basic",
        guideline=FX_GUIDELINES["basic"],
        lines=MULTI_VAT,
        facturx=_facturx("basic"),
    ),
    Case("fx-en16931", facturx=_facturx("en16931")),
    Case(
        "fx-extended",
        guideline=FX_GUIDELINES["extended"],
        allowances=ALLOWANCES,
        lines=MULTI_VAT[:2],
        facturx=_facturx("extended"),
    ),
    Case("fx-zugferd-name", facturx=_facturx("en16931", "zugferd-invoice.xml")),
    Case("fx-xrechnung-name", facturx=_facturx("en16931", "xrechnung.xml")),
    Case("fx-credit-note", type_code="381", original="FA-2025-0042", facturx=_facturx("en16931")),
    Case(
        "fx-with-attachments",
        attachment=True,
        facturx=_facturx("en16931", extra_attachments=["bon-de-commande.pdf", "detail.csv"]),
    ),
    Case("fx-siren-0002", buyer_ids=[("0002", BUYER_SIREN)], facturx=_facturx("en16931")),
]
