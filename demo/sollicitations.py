"""Demo sollicitations (called by `manage.py seed_demo`; idempotent, keyed by sender and
subject), made through `requests_app.services` so they are numbered and have their history:

- "Fournisseur Démo SARL" follows up an invoice sent to "Destinataire Etat", whose reviewer
  asked for more information (EN_ATTENTE_COMPLEMENT): the supplier can answer at once;
- a technical issue sent to the support desk (NOUVELLE), in the support queue.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from demo.structures import DOMAIN, STATE_SIRET, SUPPLIER_SIRET
from invoicing.enums import HIDDEN_FROM_RECIPIENT
from invoicing.models import Invoice
from requests_app import services
from requests_app.models import Sollicitation
from structures.models import Structure

FOLLOW_UP_SUBJECT = "Date de paiement de la facture"
SUPPORT_SUBJECT = "Le téléchargement du dossier de facture échoue"


def seed(stdout) -> None:
    users = get_user_model().objects
    supplier_user = users.get(email=f"fournisseur.principal@{DOMAIN}")
    reviewer = users.get(email=f"etat.valideur@{DOMAIN}")
    supplier = Structure.objects.get(identifier=SUPPLIER_SIRET, is_active=True)
    invoice = (
        Invoice.objects.filter(supplier=supplier, recipient__identifier=STATE_SIRET)
        .exclude(status__in=HIDDEN_FROM_RECIPIENT)
        .order_by("pk")
        .first()
    )
    mine = Sollicitation.objects.filter(sender=supplier_user)
    if invoice is not None and not mine.filter(subject=FOLLOW_UP_SUBJECT).exists():
        sollicitation = services.create(
            actor=supplier_user,
            sender_structure=supplier,
            category="SUIVI_FACTURE",
            invoice=invoice,
            subject=FOLLOW_UP_SUBJECT,
            message=f"Bonjour, pouvez-vous nous indiquer quand la facture {invoice.number} "
            "sera mise en paiement ?",
        )
        services.open_(sollicitation, actor=reviewer)
        services.ask_info(
            sollicitation,
            actor=reviewer,
            message="Merci de nous communiquer le numéro du bon de livraison.",
        )
    if not mine.filter(subject=SUPPORT_SUBJECT).exists():
        services.create(
            actor=supplier_user,
            sender_structure=supplier,
            category="PROBLEME_TECHNIQUE",
            subject=SUPPORT_SUBJECT,
            message="Le bouton de téléchargement affiche une erreur depuis ce matin.",
        )
    stdout.write(f"Sollicitations: {Sollicitation.objects.count()}.")
