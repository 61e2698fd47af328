"""Invoice enumerations. Values are the API codes; labels are translated (ARCHITECTURE rule 7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceStatus(models.TextChoices):
    """Statuses produced in phase 1 (DOMAIN §5.8)."""

    BROUILLON = "BROUILLON", _("Brouillon")
    A_VALIDER_1 = "A_VALIDER_1", _("À valider")
    VALIDEE_1 = "VALIDEE_1", _("Validée par le titulaire / mandataire")
    REFUSEE_1 = "REFUSEE_1", _("Refusée par le titulaire / mandataire")
    ABSENCE_VALIDATION_1_HORS_DELAI = (
        "ABSENCE_VALIDATION_1_HORS_DELAI",
        _("Absence de validation dans le délai"),
    )
    DEPOSEE = "DEPOSEE", _("Déposée")
    MISE_A_DISPOSITION = "MISE_A_DISPOSITION", _("Mise à disposition du destinataire")
    PRISE_EN_COMPTE_DESTINATAIRE = (
        "PRISE_EN_COMPTE_DESTINATAIRE",
        _("Prise en compte par le destinataire"),
    )
    SUSPENDUE = "SUSPENDUE", _("Suspendue")
    COMPLETEE = "COMPLETEE", _("Complétée")
    A_RECYCLER = "A_RECYCLER", _("À recycler")
    REJETEE = "REJETEE", _("Rejetée")
    SERVICE_FAIT = "SERVICE_FAIT", _("Service fait")
    MANDATEE = "MANDATEE", _("Mandatée")
    MISE_A_DISPOSITION_COMPTABLE = (
        "MISE_A_DISPOSITION_COMPTABLE",
        _("Mise à disposition du comptable"),
    )
    COMPTABILISEE = "COMPTABILISEE", _("Comptabilisée")
    MISE_EN_PAIEMENT = "MISE_EN_PAIEMENT", _("Mise en paiement")


S = InvoiceStatus

# §5.9: "open" statuses (rank 0) and the forward chain ranks.
OPEN_STATUSES = frozenset({S.MISE_A_DISPOSITION, S.COMPLETEE, S.PRISE_EN_COMPTE_DESTINATAIRE})
CHAIN_RANK = {
    S.SERVICE_FAIT: 1,
    S.MANDATEE: 2,
    S.MISE_A_DISPOSITION_COMPTABLE: 3,
    S.COMPTABILISEE: 4,
    S.MISE_EN_PAIEMENT: 5,
}
# RCV-2: what the recipient never sees.
HIDDEN_FROM_RECIPIENT = frozenset({S.BROUILLON, S.A_VALIDER_1, S.REFUSEE_1, S.DEPOSEE})
HIDDEN_FROM_RECIPIENT |= frozenset({S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI})
# The recipient's "Synthèse": what still waits for the reviewer (open statuses and the chain
# before payment).
# The status counters' triggers count these by due date ("D" keys, `invoicing.tallies`):
# changing the set needs a migration that installs the triggers again and recounts.
RECIPIENT_TO_PROCESS = frozenset(OPEN_STATUSES | set(CHAIN_RANK) - {S.MISE_EN_PAIEMENT})
FINAL_STATUSES = frozenset({S.REJETEE, S.REFUSEE_1, S.MISE_EN_PAIEMENT})


class Frame(models.TextChoices):
    """Billing frames (cadres de facturation), DOMAIN §5.1."""

    A1 = "A1_FACTURE_FOURNISSEUR", _("Dépôt par un fournisseur d'une facture")
    A2 = "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE", _("Dépôt par un fournisseur d'une facture déjà payée")
    A3 = "A3_MEMOIRE_JUSTICE", _("Dépôt d'un mémoire de frais de justice")
    A4 = (
        "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
        _("Dépôt par un fournisseur d'un projet de décompte mensuel"),
    )
    A5 = "A5_ETAT_ACOMPTE_FOURNISSEUR", _("Dépôt par un fournisseur d'un état d'acompte")
    A6 = (
        "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR",
        _("Dépôt par un fournisseur d'un état d'acompte validé"),
    )
    A7 = (
        "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR",
        _("Dépôt par un fournisseur d'un projet de décompte final"),
    )
    A8 = (
        "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR",
        _("Dépôt par un fournisseur d'un décompte général et définitif"),
    )
    A9 = "A9_FACTURE_SOUSTRAITANT", _("Dépôt d'une facture par un sous-traitant")
    A10 = (
        "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT",
        _("Dépôt par un sous-traitant d'un projet de décompte mensuel"),
    )
    A11 = (
        "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT",
        _("Dépôt par un sous-traitant d'un projet de décompte final"),
    )
    A12 = "A12_FACTURE_COTRAITANT", _("Dépôt de facture par un cotraitant")
    A13 = (
        "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT",
        _("Dépôt par un cotraitant d'un projet de décompte mensuel"),
    )
    A14 = (
        "A14_PROJET_DECOMPTE_FINAL_COTRAITANT",
        _("Dépôt par un cotraitant d'un projet de décompte final"),
    )
    A15 = "A15_ETAT_ACOMPTE_MOE", _("Dépôt par une maîtrise d'œuvre d'un état d'acompte")
    A16 = (
        "A16_ETAT_ACOMPTE_VALIDE_MOE",
        _("Dépôt par une maîtrise d'œuvre d'un état d'acompte validé"),
    )
    A17 = (
        "A17_PROJET_DECOMPTE_GENERAL_MOE",
        _("Dépôt par une maîtrise d'œuvre d'un projet de décompte général"),
    )
    A18 = "A18_DECOMPTE_GENERAL_MOE", _("Dépôt par une maîtrise d'œuvre d'un décompte général")
    A19 = (
        "A19_ETAT_ACOMPTE_VALIDE_MOA",
        _("Dépôt par une maîtrise d'ouvrage d'un état d'acompte validé"),
    )
    A20 = "A20_DECOMPTE_GENERAL_MOA", _("Dépôt par une maîtrise d'ouvrage d'un décompte général")
    A21 = "A21_DEMANDE_REMBOURSEMENT_TIC", _("Dépôt d'une demande de remboursement de la TIC")
    A22 = (
        "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE",
        _("Projet de décompte général du fournisseur (procédure tacite)"),
    )
    A23 = (
        "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR",
        _("Décompte général et définitif tacite (fournisseur)"),
    )
    A24 = (
        "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE",
        _("Décompte général et définitif tacite (maîtrise d'œuvre)"),
    )
    A25 = (
        "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE",
        _("Décompte général et définitif de la maîtrise d'œuvre (procédure tacite)"),
    )

    @property
    def short(self) -> str:
        return self.value.split("_", 1)[0]


# Phase 1 frames (INV-2); the others are refused with a clear message.
CURRENT_FRAMES = (Frame.A1, Frame.A2, Frame.A9, Frame.A12)
VALIDATION_FRAMES = frozenset({Frame.A9, Frame.A12})


def frame_from_code(code: str) -> Frame | None:
    """The full code, or the tolerated short alias ("A1")."""
    code = (code or "").strip()
    for frame in Frame:
        if code in (frame.value, frame.short):
            return frame
    return None


class InvoiceType(models.TextChoices):
    FACTURE = "FACTURE", _("Facture")
    AVOIR = "AVOIR", _("Avoir")


class VatType(models.TextChoices):
    TVA_SUR_DEBIT = "TVA_SUR_DEBIT", _("TVA sur les débits")
    TVA_SUR_ENCAISSEMENT = "TVA_SUR_ENCAISSEMENT", _("TVA sur les encaissements")
    EXONERATION = "EXONERATION", _("Exonération")
    SANS_TVA = "SANS_TVA", _("Sans TVA")


class VatExemptionReason(models.TextChoices):
    ART_261 = "ART_261_CGI", _("Exonération - article 261 du CGI")
    ART_262 = "ART_262_CGI", _("Exonération - article 262 du CGI (exportations)")
    ART_262_TER = "ART_262_TER_CGI", _("Livraison intracommunautaire - article 262 ter I du CGI")
    ART_283 = "ART_283_CGI", _("Autoliquidation - article 283 du CGI")
    ART_293_B = "ART_293_B_CGI", _("TVA non applicable - article 293 B du CGI")
    AUTRE = "AUTRE", _("Autre motif d'exonération")


class PaymentMode(models.TextChoices):
    CHEQUE = "CHEQUE", _("Chèque")
    PRELEVEMENT = "PRELEVEMENT", _("Prélèvement")
    VIREMENT = "VIREMENT", _("Virement")
    ESPECE = "ESPECE", _("Espèces")
    AUTRE = "AUTRE", _("Autre")
    REPORT = "REPORT", _("Report")


class DepositFormat(models.TextChoices):
    PDF_NON_SIGNE = "PDF_NON_SIGNE", _("PDF non signé")
    PDF_SIGNE_PADES = "PDF_SIGNE_PADES", _("PDF signé PAdES")
    PDF_SIGNE_XADES = "PDF_SIGNE_XADES", _("PDF signé XAdES")
    FACTURX = "IN_DP_E2_CII_FACTURX", _("Factur-X")
    UBL = "IN_DP_E1_UBL_INVOICE", _("UBL 2.1")
    CII = "IN_DP_E1_CII_16B", _("CII D16B")


class DepositMode(models.TextChoices):
    SAISIE_PORTAIL = "SAISIE_PORTAIL", _("Saisie sur le portail")
    DEPOT_PDF_PORTAIL = "DEPOT_PDF_PORTAIL", _("Dépôt PDF sur le portail")
    DEPOT_PDF_SIGNE_PORTAIL = "DEPOT_PDF_SIGNE_PORTAIL", _("Dépôt PDF signé sur le portail")
    UPLOAD_PORTAIL = "UPLOAD_PORTAIL", _("Dépôt de fichier structuré sur le portail")
    SAISIE_API = "SAISIE_API", _("Saisie par API")
    DEPOT_PDF_API = "DEPOT_PDF_API", _("Dépôt PDF par API")
    DEPOT_PDF_SIGNE_API = "DEPOT_PDF_SIGNE_API", _("Dépôt PDF signé par API")
    UPLOAD_API = "UPLOAD_API", _("Dépôt de flux par API")


# MAN-1: invoices entered as data (on the portal or by API `soumettre`): the platform issues
# the invoice PDF itself.
ENTRY_MODES = (DepositMode.SAISIE_PORTAIL, DepositMode.SAISIE_API)


class ActionCode(models.TextChoices):
    """User actions logged without a status change (STA-3)."""

    TELECHARGEMENT_FACTURE = "TELECHARGEMENT_FACTURE", _("Téléchargement de la facture")
    ACQUITTEMENT_REJET = "ACQUITTEMENT_REJET", _("Acquittement du rejet")
    ACQUITTEMENT_SUSPENSION = "ACQUITTEMENT_SUSPENSION", _("Acquittement de la suspension")
    TRAITEMENT_REJET = "TRAITEMENT_REJET", _("Traitement du rejet")


class ActorRole(models.TextChoices):
    SUPPLIER = "FOURNISSEUR", _("Fournisseur")
    VALIDATOR = "VALIDATEUR", _("Valideur")
    RECIPIENT = "DESTINATAIRE", _("Destinataire")
    SYSTEM = "SYSTEME", _("Système")


class AttachmentType(models.TextChoices):
    BON_DE_COMMANDE = "BON_DE_COMMANDE", _("Bon de commande")
    BON_DE_LIVRAISON = "BON_DE_LIVRAISON", _("Bon de livraison")
    DEVIS = "DEVIS", _("Devis")
    CONTRAT = "CONTRAT", _("Contrat")
    PROCES_VERBAL = "PROCES_VERBAL", _("Procès-verbal de réception")
    ATTESTATION = "ATTESTATION", _("Attestation")
    RIB = "RIB", _("Relevé d'identité bancaire")
    AUTRE = "AUTRE", _("Autre")
