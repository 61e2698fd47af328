"""Reference lists of `transverses/v1/recuperer/…` (API.md §5.6, §10)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from invoicing.enums import InvoiceStatus

# §5.6 `tauxtva`: code → (label, value).
VAT_RATES = {
    "TVA20": 20,
    "TVA10": 10,
    "TVA5": 5.5,
    "TVA2": 2.1,
    "TVA0": 0,
}
VAT_CODE_BY_RATE = {value: code for code, value in VAT_RATES.items()}
MODES_DEPOT = [
    "SAISIE_WEB",
    "PORTAIL_PDF",
    "SAISIE_PORTAIL",
    "DEPOT_PDF_PORTAIL",
    "DEPOT_PDF_SIGNE_PORTAIL",
    "UPLOAD_PORTAIL",
    "SAISIE_API",
    "DEPOT_PDF_API",
    "DEPOT_PDF_SIGNE_API",
    "UPLOAD_API",
    "EDI_XML_STRUCT",
    "EDI_MIXTE",
    "EDI_PDF_ARCHIVE",
    "EDI",
    "EDI_NUMERISATION",
]
PAYMENT_MODES = ["CHEQUE", "PRELEVEMENT", "VIREMENT", "ESPECE", "AUTRE", "REPORT"]
IDENTIFIER_TYPES = ["SIRET", "UE_HORS_FRANCE", "HORS_UE", "RIDET", "TAHITI", "AUTRE", "PARTICULIER"]
REQUEST_TYPES = {
    "FACTURE": [
        "A1_FACTURE_FOURNISSEUR",
        "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
        "A9_FACTURE_SOUSTRAITANT",
        "A12_FACTURE_COTRAITANT",
    ]
}
KNOWN_REQUEST_TYPES = ["FACTURE", "MEMOIRE_JUSTICE", "DEMANDE_REMBOURSEMENT_TIC", "FACTURE_TRAVAUX"]
EXEMPTION_REASONS = [
    ("FRANCHISE_BASE", _("Franchise en base de TVA (art. 293 B du CGI)")),
    ("EXONERATION_261", _("Exonération (art. 261 du CGI)")),
    ("AUTOLIQUIDATION", _("Autoliquidation (art. 283 du CGI)")),
    ("LIVRAISON_INTRACOM", _("Livraison intracommunautaire (art. 262 ter I du CGI)")),
    ("EXPORTATION", _("Exportation (art. 262 I du CGI)")),
    ("AUTRE", _("Autre motif d'exonération")),
]
# The portal's reasons (invoicing.enums.VatExemptionReason) for the API codes.
EXEMPTION_TO_PORTAL = {
    "FRANCHISE_BASE": "ART_293_B_CGI",
    "EXONERATION_261": "ART_261_CGI",
    "AUTOLIQUIDATION": "ART_283_CGI",
    "LIVRAISON_INTRACOM": "ART_262_TER_CGI",
    "EXPORTATION": "ART_262_CGI",
    "AUTRE": "AUTRE",
}
ATTACHMENT_TYPES = [
    (1, "BON_COMMANDE", _("Bon de commande")),
    (2, "BON_LIVRAISON", _("Bon de livraison")),
    (3, "CONTRAT", _("Contrat")),
    (4, "DEVIS", _("Devis")),
    (5, "PV_RECEPTION", _("Procès-verbal de réception")),
    (6, "RIB", _("Relevé d'identité bancaire")),
    (7, "AUTRE", _("Autre")),
]
OBJECT_TYPES = [
    "FACTURE",
    "STRUCTURE",
    "UTILISATEUR",
    "CB",
    "MANDAT",
    "FICHE_RACCORDEMENT",
    "EJ",
    "MEMOIRE",
    "DMD_RBST",
    "TRANSVERSE",
    "FACTURE_TRAVAUX",
    "DMDE_CPTE_DEV_SI_EXT",
    "SOLLICITATION",
    "CERTIFICAT",
    "PJ_REJET_EDI",
]
REFUSAL_REASONS = [
    (1, "MONTANT_ERRONE", _("Montant erroné")),
    (2, "PRESTATION_NON_REALISEE", _("Prestation non réalisée")),
    (3, "PIECES_MANQUANTES", _("Pièces manquantes")),
    (4, "VALIDEUR_ERRONE", _("Valideur erroné")),
    (5, "AUTRE", _("Autre")),
]
CURRENCY_NAMES = {
    "EUR": _("Euro"),
    "USD": _("Dollar américain"),
    "GBP": _("Livre sterling"),
    "CHF": _("Franc suisse"),
    "JPY": _("Yen"),
    "CAD": _("Dollar canadien"),
    "AUD": _("Dollar australien"),
    "DKK": _("Couronne danoise"),
    "SEK": _("Couronne suédoise"),
    "NOK": _("Couronne norvégienne"),
    "PLN": _("Zloty"),
    "CZK": _("Couronne tchèque"),
    "HUF": _("Forint"),
    "RON": _("Leu roumain"),
    "BGN": _("Lev bulgare"),
    "XPF": _("Franc CFP"),
    "MAD": _("Dirham marocain"),
    "TND": _("Dinar tunisien"),
    "CNY": _("Yuan"),
}
# §10.1: every status code the API knows (requests accept them all).
OTHER_STATUSES = [
    "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
    "A_VALIDER_2",
    "VALIDEE_2",
    "REFUSEE_2",
    "ABSENCE_VALIDATION_2_HORS_DELAI",
    "ERREUR_COTRAITANT_SUR_VALIDEUR",
    "EN_COURS_ACHEMINEMENT",
    "ABANDONNEE",
    "SUPPRIMEE",
    "ASSOCIEE",
    "EN_COURS_TRAITEMENT_PIVOT_S",
    "INTERPRETEE_OCR",
    "NON_CONFORME",
    "A_COMPLETER",
    "DUPLIQUE_APRES_REFUS",
    "TECHNIQUE_INCONNU",
    "A_VALIDER_MOE",
    "REFUSEE_MOE",
    "A_ASSOCIER_MOE",
    "MISE_A_DISPOSITION_MOE",
    "PRISE_EN_COMPTE_MOE",
    "A_ASSOCIER_MOA",
    "MISE_A_DISPOSITION_MOA",
    "PRISE_EN_COMPTE_MOA",
    "REFUSEE_MOA",
    "TRANSMISE_MOA",
    "A_ASSOCIER_FOURNISSEUR",
    "REFUSEE_FOURNISSEUR",
    "EN_ATTENTE_RECYCLAGE_FOURNISSEUR",
    "ERREUR_FOURNISSEUR_SUR_MOE",
    "ERREUR_FOURNISSEUR_SUR_MOA",
    "ERREUR_MOE_SUR_FOURNISSEUR",
    "ERREUR_MOA_SUR_FOURNISSEUR",
    "ERREUR_MOE_SUR_MOA",
    "ERREUR_DE_MOE",
    "ERREUR_DE_MOA",
    "ERREUR_DESTINATAIRE_PD",
    "ERREUR_DESTINATAIRE_EA",
    "REMPLACEE_PAR_A22",
    "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
]
ALL_STATUSES = [*InvoiceStatus.values, *OTHER_STATUSES]
