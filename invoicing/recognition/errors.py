"""The one error of recognition: a file that cannot be accepted, with a user-facing message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class UnreadableFile(Exception):
    """The file is refused: `message` is French (gettext), shown to the user as is.

    `code` is a stable machine name (tests, the API's technical errors of FLW-4).
    """

    def __init__(self, message, code: str = "unreadable"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


NOT_RECOGNISED = _(
    "Format de fichier non reconnu : déposez un PDF, une facture XML (UBL 2.1 ou CII D16B), "
    "un Factur-X ou un lot zip ou tar.gz."
)
EMPTY = _("Le fichier est vide.")
PDF_ENCRYPTED = _(
    "Ce PDF est protégé par un mot de passe d'ouverture : déposez une version qui s'ouvre "
    "sans mot de passe."
)
PDF_UNREADABLE = _("Ce PDF est illisible ou incomplet (fichier tronqué ou endommagé).")
XML_INVALID = _("Ce fichier XML est mal formé : il ne peut pas être lu.")
XML_FORBIDDEN = _(
    "Ce fichier XML contient une déclaration DTD ou des entités, refusées pour des raisons de "
    "sécurité."
)
XML_OTHER_KIND = _(
    "Ce fichier XML n'est pas une facture reconnue : seules les syntaxes UBL 2.1 (Invoice, "
    "CreditNote) et CII D16B (CrossIndustryInvoice) sont acceptées."
)
ARCHIVE_UNREADABLE = _("Cette archive est illisible ou endommagée.")
ARCHIVE_NOT_PREFILLED = _(
    "Un lot (zip ou tar.gz) est traité comme un flux : il ne pré-remplit pas le formulaire."
)
